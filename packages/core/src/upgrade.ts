import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

/** Which request paths carry media streams: one path, several, or a predicate. */
export type PathOption = string | readonly string[] | ((pathname: string) => boolean);

/**
 * Decides whether an upgrade request may become a stream. Runs before the 101 response;
 * `false` answers HTTP 401 and no WebSocket is opened. `verifyPlivoSignature` fits here.
 */
export type Authenticate = (request: IncomingMessage) => boolean | Promise<boolean>;

/** Builds the matcher for a {@link PathOption}; throws a `TypeError` naming the option when it is invalid. */
export function createPathMatcher(path: PathOption | undefined): (pathname: string) => boolean {
  if (path === undefined) return () => true;
  if (typeof path === 'function') return (p) => path(p) === true;
  const paths = typeof path === 'string' ? [path] : path;
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string' || !p.startsWith('/'))) {
    throw new TypeError(
      `Invalid option "path": a path starting with "/", an array of them, or a function (got ${String(path)})`,
    );
  }
  const set = new Set(paths);
  return (p) => set.has(p);
}

/** The path of a request URL without its query string. */
export function pathnameOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Answers an upgrade request with a plain HTTP status and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number): void {
  if (socket.writable) {
    const text = STATUS_CODES[status] ?? 'Error';
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

/** Default of `authTimeoutMs`: how long `authenticate` may take before the upgrade is refused. */
export const AUTH_TIMEOUT_MS = 10_000;

/** How an `authenticate` check ended. */
export type AuthOutcome =
  { result: 'accepted' | 'refused' | 'timeout' | 'closing' } | { result: 'threw'; error: unknown };

/**
 * Throws a `TypeError` naming `authTimeoutMs` unless it is a positive integer; returns it, or the
 * default when undefined.
 *
 * @example
 * const timeoutMs = checkAuthTimeout(options.authTimeoutMs); // 10_000 when unset
 */
export function checkAuthTimeout(value: unknown): number {
  if (value === undefined) return AUTH_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new TypeError(
      `Invalid option "authTimeoutMs": a positive integer (got ${String(value)})`,
    );
  }
  return value;
}

/**
 * Runs `authenticate(request)` against a deadline. `onSettle` receives a function that ends the
 * wait at once with `closing` (the server's shutdown calls it); the timer never outlives the check.
 *
 * @example
 * let settle = (): void => {};
 * const release = registry.hold(socket, () => settle());
 * const outcome = await runAuthenticate(authenticate, req, 10_000, (s) => (settle = s));
 * release();
 * if (outcome.result === 'timeout') rejectUpgrade(socket, 504);
 */
export async function runAuthenticate<R>(
  authenticate: (request: R) => boolean | Promise<boolean>,
  request: R,
  timeoutMs: number,
  onSettle: (settle: () => void) => void,
): Promise<AuthOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<AuthOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ result: 'timeout' }), timeoutMs);
    onSettle(() => resolve({ result: 'closing' }));
  });
  const check = (async (): Promise<AuthOutcome> => {
    try {
      return { result: (await authenticate(request)) === true ? 'accepted' : 'refused' };
    } catch (error) {
      return { result: 'threw', error };
    }
  })();
  try {
    return await Promise.race([check, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

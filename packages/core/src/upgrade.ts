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

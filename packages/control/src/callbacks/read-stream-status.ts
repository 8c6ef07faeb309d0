import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { CallstreamError } from '@callstream/core';
import { verifyCallbackSignature } from './callback-signature.js';
import { bodyParams, CONSUMED, readText, tooLarge } from './callback-body.js';
import { parseStreamStatus, type CallbackParams, type StreamStatusEvent } from './stream-status.js';

/** Options of {@link readStreamStatus} (and of the route helpers built on it). */
export interface ReadStreamStatusOptions {
  /**
   * The auth token the platform signs callbacks with, or `false` to accept unsigned callbacks
   * (local testing only: anyone who finds the URL can then post events). Required, so that
   * forgetting it is an error rather than an open endpoint.
   */
  authToken: string | false;
  /** The main account's token, for a sub-account's callbacks (Plivo `-Ma-V3`, Vobiz `MA-`). */
  mainAuthToken?: string;
  /**
   * The URL the platform calls, as in `statusCallbackUrl`: an origin
   * (`'https://app.example.com'`) or a full URL. Its scheme and host[:port] replace the request's
   * (which are wrong behind a TLS proxy); when it has a path, that path replaces the request's too
   * (a proxy that rewrites paths). The query always comes from the request. Default: the Host
   * header, with http and https tried.
   */
  publicUrl?: string;
  /** `'plivo'` (default) or `'vobiz'`: which signature headers to check. */
  platform?: 'plivo' | 'vobiz';
  /** Largest accepted body in bytes. Default 65 536. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 65_536;
const ORIGIN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]+/;
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

type RequestWithBody = IncomingMessage & { body?: unknown; _body?: boolean };

/**
 * Reads, verifies and parses one stream status callback from a `node:http` request: the query
 * of a GET, or the form-encoded (or JSON) body of a POST, at most `maxBytes`. When a body parser
 * (Express's `express.urlencoded()`, `express.json()`, ...) has read the body already, its
 * `req.body` is used instead.
 *
 * @throws {CallstreamError} (as a rejection) `ERR_INVALID_SIGNATURE` when the signature does not
 * match, `ERR_CALLBACK_TOO_LARGE` for a body over `maxBytes`, `ERR_INVALID_CALLBACK` for another
 * method, an unreadable body or no `Event`.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { readStreamStatus } from '@callstream/control';
 *
 * createServer(async (req, res) => {
 *   try {
 *     const event = await readStreamStatus(req, {
 *       authToken: process.env.PLIVO_AUTH_TOKEN ?? '',
 *       publicUrl: 'https://app.example.com',
 *     });
 *     res.writeHead(200).end();
 *     onStatus(event);
 *   } catch {
 *     res.writeHead(403).end();
 *   }
 * });
 */
export async function readStreamStatus(
  req: IncomingMessage,
  options: ReadStreamStatusOptions,
): Promise<StreamStatusEvent> {
  const checked = checkStreamStatusOptions(options);
  const method = req.method;
  let body: unknown;
  if (method === 'POST') {
    const withBody = req as RequestWithBody;
    if (withBody.readableEnded || withBody._body === true) {
      body = withBody.body ?? CONSUMED;
    } else {
      const maxBytes = checked.maxBytes ?? DEFAULT_MAX_BYTES;
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
      body = await readText(req, maxBytes);
    }
  }
  // Express rewrites req.url below a mount point; the platform signed the whole path.
  const originalUrl = (req as { originalUrl?: unknown }).originalUrl;
  const url = typeof originalUrl === 'string' ? originalUrl : req.url;
  return verifyStreamStatus({ method, url, headers: req.headers, body }, checked);
}

/** A callback request as any framework has it. */
export interface StreamStatusRequest {
  method: string | undefined;
  /** The request target (`/path?query`, or absolute-form), as in `req.url`. */
  url: string | undefined;
  headers: IncomingHttpHeaders;
  /**
   * POST only: the body as text (or a Buffer), or as a body parser left it: `URLSearchParams`
   * or a plain object of strings (form) or JSON values.
   */
  body?: unknown;
}

/**
 * The framework-neutral core of {@link readStreamStatus}: verifies and parses a callback whose
 * body has been read already (the Fastify route uses it). Same options and errors, thrown
 * synchronously.
 *
 * @example
 * import { verifyStreamStatus } from '@callstream/control';
 *
 * // Hono, Koa, a serverless handler: anything that has the method, target, headers and body.
 * const event = verifyStreamStatus(
 *   { method: 'POST', url: '/stream-status', headers, body: rawBodyText },
 *   { authToken: process.env.PLIVO_AUTH_TOKEN ?? '', publicUrl: 'https://app.example.com' },
 * );
 */
export function verifyStreamStatus(
  request: StreamStatusRequest,
  options: ReadStreamStatusOptions,
): StreamStatusEvent {
  const {
    authToken,
    mainAuthToken,
    publicUrl,
    platform = 'plivo',
  } = checkStreamStatusOptions(options);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const { method, headers } = request;
  if (method !== 'GET' && method !== 'POST') {
    throw new CallstreamError(
      'ERR_INVALID_CALLBACK',
      `Status callback with method ${String(method)}`,
    );
  }
  const target = typeof request.url === 'string' ? targetOf(request.url) : undefined;
  if (target === undefined) {
    throw new CallstreamError('ERR_INVALID_CALLBACK', 'Status callback without a request target');
  }
  const contentType =
    String(headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase() ?? '';
  const body: CallbackParams =
    method === 'POST' ? bodyParams(request.body, contentType, maxBytes) : {};

  if (authToken !== false) {
    const urls = signedUrls(target, publicUrl, headers.host);
    const verified = urls.some((url) =>
      verifyCallbackSignature({
        method,
        url,
        params: body,
        headers,
        authToken,
        mainAuthToken,
        platform,
      }),
    );
    if (!verified) {
      throw new CallstreamError(
        'ERR_INVALID_SIGNATURE',
        'Status callback signature does not match',
      );
    }
  }

  if (method === 'POST') return parseStreamStatus(body);
  const question = target.indexOf('?');
  return parseStreamStatus(new URLSearchParams(question === -1 ? '' : target.slice(question + 1)));
}

/** The HTTP status a route answers for a `readStreamStatus` rejection. */
export function statusCallbackHttpStatus(err: unknown): 400 | 403 | 413 | 500 {
  if (!(err instanceof CallstreamError)) return 500;
  if (err.code === 'ERR_INVALID_SIGNATURE') return 403;
  if (err.code === 'ERR_CALLBACK_TOO_LARGE') return 413;
  return err.code === 'ERR_INVALID_CALLBACK' ? 400 : 500;
}

/**
 * Throws a TypeError naming the first invalid option of {@link readStreamStatus}; the route
 * helpers call it when they are created, so a bad option fails at start-up.
 */
export function checkStreamStatusOptions(
  options: ReadStreamStatusOptions,
): ReadStreamStatusOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('Invalid argument "options": an object');
  }
  const { authToken, maxBytes, platform, publicUrl } = options;
  if (authToken !== false && (typeof authToken !== 'string' || authToken === '')) {
    throw new TypeError(
      'Invalid option "authToken": the auth token (a non-empty string), or false to skip signature checks',
    );
  }
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes > 0)) {
    throw new TypeError('Invalid option "maxBytes": a positive integer');
  }
  if (platform !== undefined && platform !== 'plivo' && platform !== 'vobiz') {
    throw new TypeError(`Invalid option "platform": 'plivo' or 'vobiz' (got ${String(platform)})`);
  }
  if (publicUrl !== undefined && (typeof publicUrl !== 'string' || !ORIGIN.test(publicUrl))) {
    throw new TypeError(
      'Invalid option "publicUrl": an absolute URL such as https://app.example.com',
    );
  }
  return options;
}

/** `/path?query` of a request target, also from an absolute-form one. */
function targetOf(url: string): string | undefined {
  if (url.startsWith('/')) return url;
  const origin = ORIGIN.exec(url);
  if (origin === null) return undefined;
  const rest = url.slice(origin[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The public URLs the platform may have signed for this request. */
function signedUrls(
  target: string,
  publicUrl: string | undefined,
  host: string | undefined,
): string[] {
  if (publicUrl === undefined) {
    if (typeof host !== 'string' || !HOST.test(host)) return [];
    // verifyCallbackSignature tries the https counterpart of each.
    return [`http://${host}${target}`];
  }
  const origin = (ORIGIN.exec(publicUrl) as RegExpExecArray)[0];
  const path = publicUrl.slice(origin.length).replace(/[?#].*$/s, '');
  if (path === '' || path === '/') return [origin + target];
  const question = target.indexOf('?');
  return [origin + path + (question === -1 ? '' : target.slice(question))];
}

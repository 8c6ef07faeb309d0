/**
 * The HTTP requests the platform sends to the app (answer URL, status callbacks): form-encoded
 * parameters in a POST body or in the query string of a GET, signed, with a timeout and a bound
 * on the response read. Failures are returned in the exchange, never thrown.
 */
import type { Platform } from './platform-options.js';
import { requestSignatureHeaders } from './signing.js';

/** One request the fake sent, and what came back. */
export interface HttpExchange {
  method: 'GET' | 'POST';
  /** The URL requested (for GET, with the parameters in its query). */
  url: string;
  params: Record<string, string>;
  /** The request headers sent, signatures included. */
  headers: Record<string, string>;
  /** The response, when one came. */
  response?: { status: number; contentType: string | undefined; body: string };
  /** Why there is no response (connection refused, timeout, body too large). */
  error?: string;
}

export interface OutboundContext {
  platform: Platform;
  authToken: string;
  timeoutMs: number;
}

/** The most of a response body the fake reads (answer documents are small). */
const MAX_RESPONSE_BYTES = 1 << 20;

/** Sends `params` to `url`, signed for the platform, and reads the response. */
export async function sendSigned(
  ctx: OutboundContext,
  method: 'GET' | 'POST',
  url: string,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<HttpExchange> {
  const form = new URLSearchParams(params).toString();
  const target =
    method === 'GET' && form !== '' ? `${url}${url.includes('?') ? '&' : '?'}${form}` : url;
  const headers: Record<string, string> = {
    'User-Agent': `callstream-fake-platform (${ctx.platform})`,
    ...requestSignatureHeaders(ctx.platform, method, url, params, ctx.authToken),
  };
  if (method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const exchange: HttpExchange = { method, url: target, params, headers };
  try {
    const res = await fetch(target, {
      method,
      headers,
      body: method === 'POST' ? form : undefined,
      signal:
        signal === undefined
          ? AbortSignal.timeout(ctx.timeoutMs)
          : AbortSignal.any([signal, AbortSignal.timeout(ctx.timeoutMs)]),
      redirect: 'manual',
    });
    const body = await readBounded(res);
    exchange.response = {
      status: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      body,
    };
  } catch (err) {
    exchange.error = describe(err);
  }
  return exchange;
}

async function readBounded(res: Response): Promise<string> {
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await res.body.cancel().catch(() => {});
      throw new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  if (err.name === 'AbortError') return 'the call ended first';
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}

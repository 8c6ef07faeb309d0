import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformError } from './platform-error.js';

/** How requests are sent: set once per client. */
export interface RequestSettings {
  fetch: typeof globalThis.fetch;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

export interface PlatformAnswer {
  status: number;
  /** Parsed JSON, the text when it is not JSON, undefined when empty. */
  body: unknown;
}

/**
 * Sends one API request. A POST is sent once: retrying one the platform may have carried out
 * could start a second stream. GET and DELETE are retried up to `retries` times, waiting
 * `retryDelayMs`, then twice that, and so on, after a 5xx answer or a network error (not after a
 * timeout: each attempt already had `timeoutMs`). `signal` aborts the request and the waits; the
 * promise then rejects with the signal's reason, as `fetch` does.
 */
export async function platformRequest(
  settings: RequestSettings,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  json: unknown,
  signal: AbortSignal | undefined,
): Promise<PlatformAnswer> {
  const retries = method === 'POST' ? 0 : settings.retries;
  const body = json === undefined ? undefined : JSON.stringify(json);
  const headers =
    body === undefined
      ? settings.headers
      : { ...settings.headers, 'content-type': 'application/json' };
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    const last = attempt >= retries;
    let answer: PlatformAnswer;
    try {
      answer = await attemptOnce(settings, method, url, headers, body, signal);
    } catch (err) {
      if (last || !(err instanceof PlatformError) || err.code !== 'ERR_PLATFORM_NETWORK') throw err;
      await backoff(settings.retryDelayMs * 2 ** attempt, signal);
      continue;
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (answer.status >= 500 && !last) {
      await backoff(settings.retryDelayMs * 2 ** attempt, signal);
      continue;
    }
    throw httpError(method, url, answer);
  }
}

async function attemptOnce(
  settings: RequestSettings,
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
  signal: AbortSignal | undefined,
): Promise<PlatformAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeoutMs);
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await settings.fetch(url, {
      method,
      headers,
      body,
      signal: controller.signal,
      // A redirect is the platform's answer, not something to follow with our credentials.
      redirect: 'manual',
    });
    const text = await readAnswer(response, method, url);
    return { status: response.status, body: parseBody(text) };
  } catch (err) {
    if (signal?.aborted === true) throw signal.reason;
    if (err instanceof PlatformError) throw err;
    if (timedOut) {
      throw new PlatformError(
        'ERR_PLATFORM_TIMEOUT',
        `${method} ${url} got no answer within ${settings.timeoutMs} ms`,
        { method, url, cause: err },
      );
    }
    throw new PlatformError(
      'ERR_PLATFORM_NETWORK',
      `${method} ${url} failed: ${networkReason(err)}`,
      { method, url, cause: err },
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The largest answer body read; stream objects and lists are a few KiB. */
export const MAX_ANSWER_BYTES = 1_048_576;

/** The answer's body as text, refusing one larger than {@link MAX_ANSWER_BYTES}. */
async function readAnswer(response: Response, method: string, url: string): Promise<string> {
  const tooLarge = (): PlatformError =>
    new PlatformError(
      'ERR_PLATFORM_HTTP',
      `${method} ${url} answered ${response.status} with a body larger than ${MAX_ANSWER_BYTES} bytes`,
      { method, url, status: response.status },
    );
  if (response.body === null) return '';
  if (Number(response.headers.get('content-length')) > MAX_ANSWER_BYTES) {
    await response.body.cancel();
    throw tooLarge();
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function backoff(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted === true ? signal.reason : err;
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The low-level reason (`ECONNREFUSED …`), which undici keeps in the `cause`. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  const inner = cause instanceof Error ? cause : err;
  return inner instanceof Error ? inner.message : String(inner);
}

function httpError(method: string, url: string, answer: PlatformAnswer): PlatformError {
  const { status, body } = answer;
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const apiId = typeof record.api_id === 'string' ? record.api_id : undefined;
  const error =
    typeof record.error === 'string'
      ? record.error
      : typeof body === 'string'
        ? body.slice(0, 500)
        : undefined;
  return new PlatformError(
    'ERR_PLATFORM_HTTP',
    `${method} ${url} answered ${status}${error === undefined ? '' : `: ${error}`}`,
    { method, url, status, apiId, error, body },
  );
}

/** An `ERR_PLATFORM_HTTP` for a 2xx answer that lacks what the operation needs. */
export function unusableAnswer(
  method: string,
  url: string,
  answer: PlatformAnswer,
  what: string,
): PlatformError {
  const apiId =
    typeof answer.body === 'object' && answer.body !== null
      ? (answer.body as Record<string, unknown>).api_id
      : undefined;
  return new PlatformError(
    'ERR_PLATFORM_HTTP',
    `${method} ${url} answered ${answer.status} without ${what}`,
    {
      method,
      url,
      status: answer.status,
      apiId: typeof apiId === 'string' ? apiId : undefined,
      body: answer.body,
    },
  );
}

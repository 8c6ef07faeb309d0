import { isObject } from './stream-record.js';
import type { RequestSettings } from './platform-request.js';
import type { StreamApiOptions } from './stream-api.js';

const DEFAULT_BASE = { plivo: 'https://api.plivo.com', vobiz: 'https://api.vobiz.ai' } as const;
const API_PATH = { plivo: 'v1', vobiz: 'api/v1' } as const;
const DEFAULTS = { timeoutMs: 10_000, retries: 2, retryDelayMs: 250 } as const;

/**
 * The account's API base, ending in `/`: `baseUrl` itself when its path ends in
 * `/Account/<id>`, else `baseUrl` (default: the platform's) + the platform's
 * `v1/Account/<authId>/` (plivo) or `api/v1/Account/<authId>/` (vobiz).
 */
export function accountBase(
  platform: 'plivo' | 'vobiz',
  authId: string,
  baseUrl: string | undefined,
): string {
  const url = new URL(baseUrl ?? DEFAULT_BASE[platform]);
  let path = url.pathname.replace(/\/+$/, '');
  if (!/\/Account\/[^/]+$/.test(path)) {
    path += `/${API_PATH[platform]}/Account/${encodeURIComponent(authId)}`;
  }
  return `${url.origin}${path}/`;
}

/** The request settings of valid options; a TypeError naming the first invalid one. */
export function checkOptions(options: StreamApiOptions): RequestSettings {
  if (!isObject(options)) throw new TypeError('Invalid argument "options": an object');
  const { platform, authId, authToken, baseUrl, timeoutMs, retries, retryDelayMs } = {
    ...DEFAULTS,
    ...withoutUndefined(options),
  };
  if (platform !== 'plivo' && platform !== 'vobiz') {
    throw new TypeError(`Invalid option "platform": 'plivo' or 'vobiz' (got ${String(platform)})`);
  }
  if (typeof authId !== 'string' || authId === '') {
    throw new TypeError('Invalid option "authId": a non-empty string');
  }
  if (typeof authToken !== 'string' || authToken === '') {
    throw new TypeError('Invalid option "authToken": a non-empty string');
  }
  if (baseUrl !== undefined && !isBaseUrl(baseUrl)) {
    throw new TypeError(
      `Invalid option "baseUrl": an http:// or https:// URL without query or fragment (got ${String(baseUrl)})`,
    );
  }
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function')
    throw new TypeError('Invalid option "fetch": a fetch function');
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new TypeError('Invalid option "timeoutMs": a positive number of milliseconds');
  }
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new TypeError('Invalid option "retries": an integer from 0 to 10');
  }
  if (typeof retryDelayMs !== 'number' || !(retryDelayMs >= 0) || !Number.isFinite(retryDelayMs)) {
    throw new TypeError('Invalid option "retryDelayMs": a number of milliseconds >= 0');
  }
  const headers: Record<string, string> =
    platform === 'plivo'
      ? {
          authorization: `Basic ${Buffer.from(`${authId}:${authToken}`, 'utf8').toString('base64')}`,
        }
      : { 'x-auth-id': authId, 'x-auth-token': authToken };
  headers.accept = 'application/json';
  headers['user-agent'] = '@callstream/control';
  return { fetch: fetchFn, headers, timeoutMs, retries, retryDelayMs };
}

function isBaseUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return url.search === '' && url.hash === '' && !value.includes('?') && !value.includes('#');
  } catch {
    return false;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

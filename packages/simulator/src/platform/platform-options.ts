/**
 * Options of {@link startFakePlatform}, with their defaults and validation.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** Which platform the fake imitates: its REST paths, auth, bodies, signatures and wire dialect. */
export type Platform = 'plivo' | 'vobiz';

/** Options of `startFakePlatform`; all optional. */
export interface StartFakePlatformOptions {
  /** Default `'plivo'`. */
  platform?: Platform;
  /** The account id (in REST paths and credentials). Default: random, `MA` + 18 characters (Vobiz: `MA_` + 8). */
  authId?: string;
  /** The auth token: REST credentials and the key of every signature. Default: random, 40 characters. */
  authToken?: string;
  /** Default `'127.0.0.1'`. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Speed of the simulated calls (see `simulateCall`'s `speed`). Default 1 (real time). */
  speed?: number;
  /** The fake's clock (epoch ms) for stream records and callback timestamps. Default `Date.now`. */
  clock?: () => number;
  /** Wall-clock ms between connection attempts of a stream. Default 1000. */
  retryDelayMs?: number;
  /** Timeout of each answer-URL and status-callback request, in ms. Default 5000. */
  requestTimeoutMs?: number;
  /** Largest REST request body accepted (413 above). Default 65536 bytes. */
  maxBodyBytes?: number;
  /** Price of a stream minute, for `billed_amount`. Default 0.003. */
  ratePerMinute?: number;
  /**
   * How many REST requests and callbacks `requests` and `callbacks` keep, and how many calls
   * `calls` keeps before forgetting the oldest ended ones. Default 10000.
   */
  maxRecords?: number;
}

export type ResolvedPlatformOptions = Required<StartFakePlatformOptions>;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomText(length: number, alphabet: string): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
  return text;
}

function fail(option: string, why: string): never {
  throw new TypeError(`startFakePlatform: option "${option}" ${why}`);
}

function nonNegative(value: number | undefined, option: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    fail(option, `must be a finite number >= 0, got ${String(value)}`);
  }
}

/** Checks the options and fills in the defaults; throws a TypeError naming a bad option. */
export function resolvePlatformOptions(
  options: StartFakePlatformOptions = {},
): ResolvedPlatformOptions {
  const platform = options.platform ?? 'plivo';
  if (platform !== 'plivo' && platform !== 'vobiz') fail('platform', 'must be "plivo" or "vobiz"');
  for (const key of ['authId', 'authToken'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value))) {
      fail(key, 'must be a non-empty string of letters, digits, "_" or "-"');
    }
  }
  nonNegative(options.speed, 'speed');
  nonNegative(options.retryDelayMs, 'retryDelayMs');
  nonNegative(options.requestTimeoutMs, 'requestTimeoutMs');
  nonNegative(options.maxBodyBytes, 'maxBodyBytes');
  nonNegative(options.ratePerMinute, 'ratePerMinute');
  if (
    options.maxRecords !== undefined &&
    !(Number.isInteger(options.maxRecords) && options.maxRecords >= 1)
  ) {
    fail('maxRecords', 'must be an integer >= 1');
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0)) {
    fail('port', 'must be an integer >= 0');
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    fail('clock', 'must be a function returning epoch ms');
  }
  return {
    platform,
    authId:
      options.authId ??
      (platform === 'vobiz'
        ? `MA_${randomText(8, ALPHANUMERIC)}`
        : `MA${randomText(18, ALPHANUMERIC)}`),
    authToken: options.authToken ?? randomBytes(30).toString('base64url').slice(0, 40),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    speed: options.speed ?? 1,
    clock: options.clock ?? Date.now,
    retryDelayMs: options.retryDelayMs ?? 1000,
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    maxBodyBytes: options.maxBodyBytes ?? 65536,
    ratePerMinute: options.ratePerMinute ?? 0.003,
    maxRecords: options.maxRecords ?? 10_000,
  };
}

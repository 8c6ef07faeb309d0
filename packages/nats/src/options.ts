import type { CallStream, Logger } from '@callstream/core';
import { isSupportedRate, silentLogger } from '@callstream/core/internal';
import type { DurableAudioOptions } from './durable-audio.js';
import { checkPrefix } from './wire.js';

/** Why a call got the fallback instead of a worker. */
export type FallbackReason = 'no-worker' | 'worker-lost';

/** Options of `bridgeCalls`. Every field is optional; the defaults are in {@link BRIDGE_DEFAULTS}. */
export interface BridgeOptions {
  /** Subject prefix: offers go to `<prefix>.offer`, each call to `<prefix>.call.<session>.*`. Default `'callstream'`. */
  prefix?: string;
  /** How long an offer may take, retries included, before the call gets the fallback, in ms. Default `2_000`. */
  offerTimeoutMs?: number;
  /** Heartbeat interval of both sides of a call, in ms. Default `1_000`. */
  heartbeatMs?: number;
  /** A worker silent this long (while NATS is connected) is taken for dead, in ms. Default `3_000`. */
  workerTimeoutMs?: number;
  /** What happens to a call whose worker died: offered again to the pool, or closed (via the fallback). Default `'reoffer'`. */
  onWorkerLost?: 'reoffer' | 'close';
  /** How many times one call is offered again after losing its worker. Default `2`. */
  maxReoffers?: number;
  /** Audio per track held for a worker that is not reachable yet (offer, re-offer, NATS reconnecting), in ms; older frames are dropped and counted. Default `2_000`. */
  bufferMs?: number;
  /** Other messages (events) held meanwhile; older ones are dropped and counted. Default `256`. */
  maxBufferedMessages?: number;
  /**
   * What the edge does with a call no worker took (`no-worker`) or whose worker died with no
   * re-offer left (`worker-lost`). Default: close the stream with {@link BridgeOptions.fallbackCloseCode} and log a warning.
   */
  fallback?: (stream: CallStream, info: { reason: FallbackReason }) => unknown;
  /** Close code of the default fallback. Default `1013` (try again later). */
  fallbackCloseCode?: number;
  /** Logger; each call logs through `logger.child({ callId, streamId })`. Default: the stream's own logger. */
  logger?: Logger;
  /**
   * Also write each call's frames (at the call's rate, both tracks) to a JetStream stream, so an
   * analytics consumer that starts late or restarts reads a call's audio from its beginning
   * (`readCallAudio`). Needs a NATS server with JetStream (`nats-server -js`); await
   * `bridge.ready` before taking calls. Default: off.
   */
  durableAudio?: DurableAudioOptions;
}

export type ResolvedBridgeOptions = Required<
  Omit<BridgeOptions, 'fallback' | 'logger' | 'durableAudio'>
> &
  Pick<BridgeOptions, 'fallback' | 'logger' | 'durableAudio'>;

/** The defaults of {@link BridgeOptions}. */
export const BRIDGE_DEFAULTS = {
  prefix: 'callstream',
  offerTimeoutMs: 2_000,
  heartbeatMs: 1_000,
  workerTimeoutMs: 3_000,
  onWorkerLost: 'reoffer',
  maxReoffers: 2,
  bufferMs: 2_000,
  maxBufferedMessages: 256,
  fallbackCloseCode: 1013,
} as const satisfies Omit<ResolvedBridgeOptions, 'fallback' | 'logger' | 'durableAudio'>;

/** Options of `subscribeCalls`. Every field is optional; the defaults are in {@link WORKER_DEFAULTS}. */
export interface WorkerOptions {
  /** Subject prefix, as given to `bridgeCalls`. Default `'callstream'`. */
  prefix?: string;
  /** NATS queue group: each call goes to one member. Default `'callstream-workers'`. */
  queue?: string;
  /** Calls this worker takes at once; further offers are declined (another worker gets them). Default `Infinity`. */
  maxCalls?: number;
  /**
   * The rate audio crosses the wire at, when lower than the call's: the edge resamples down
   * before sending (fewer bytes). `frames({ sampleRate })` above the wire rate resamples here.
   * Default: the call's rate.
   */
  sampleRate?: number;
  /** An edge silent this long (while NATS is connected) is taken for gone and its call closed, in ms. Default `3_000`. */
  edgeTimeoutMs?: number;
  /** Audio each `frames()` iterator holds before dropping the oldest, in ms. Default `5_000`. */
  bufferMs?: number;
  /** Chunks of a streaming `playAudio` in flight to the edge before waiting for its acknowledgement. Default `16`. */
  playWindow?: number;
  /** Messages held for the edge while NATS reconnects; older ones are dropped and counted. Default `512`. */
  maxBufferedMessages?: number;
  /** Name of this worker in the edge's logs. Default: `<hostname>-<pid>`. */
  workerId?: string;
  /** Logger; each call logs through `logger.child({ callId, streamId })`. Default: silent. */
  logger?: Logger;
}

export type ResolvedWorkerOptions = Required<Omit<WorkerOptions, 'sampleRate' | 'workerId'>> &
  Pick<WorkerOptions, 'sampleRate'> & { workerId: string };

/** The defaults of {@link WorkerOptions}. */
export const WORKER_DEFAULTS = {
  prefix: 'callstream',
  queue: 'callstream-workers',
  maxCalls: Infinity,
  edgeTimeoutMs: 3_000,
  bufferMs: 5_000,
  playWindow: 16,
  maxBufferedMessages: 512,
  logger: silentLogger,
} as const satisfies Omit<ResolvedWorkerOptions, 'sampleRate' | 'workerId'>;

function check(ok: boolean, name: string, rule: string, value: unknown): void {
  if (!ok) throw new TypeError(`Invalid option "${name}": ${rule} (got ${String(value)})`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function defined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Spreads the defaults under `options`; throws a `TypeError` naming any invalid option. */
export function resolveBridgeOptions(options: BridgeOptions = {}): ResolvedBridgeOptions {
  const o = { ...BRIDGE_DEFAULTS, ...defined(options) };
  checkPrefix(o.prefix);
  for (const name of ['offerTimeoutMs', 'heartbeatMs', 'workerTimeoutMs', 'bufferMs'] as const) {
    check(isInt(o[name]) && o[name] > 0, name, 'a positive integer', o[name]);
  }
  check(
    o.workerTimeoutMs > o.heartbeatMs,
    'workerTimeoutMs',
    'greater than heartbeatMs',
    o.workerTimeoutMs,
  );
  check(
    o.onWorkerLost === 'reoffer' || o.onWorkerLost === 'close',
    'onWorkerLost',
    "'reoffer' or 'close'",
    o.onWorkerLost,
  );
  check(
    isInt(o.maxReoffers) && o.maxReoffers >= 0,
    'maxReoffers',
    'an integer >= 0',
    o.maxReoffers,
  );
  check(
    isInt(o.maxBufferedMessages) && o.maxBufferedMessages > 0,
    'maxBufferedMessages',
    'a positive integer',
    o.maxBufferedMessages,
  );
  const durable = o.durableAudio;
  check(
    durable === undefined ||
      (typeof durable === 'object' &&
        (durable.stream === undefined || /^[A-Za-z0-9_-]+$/.test(durable.stream)) &&
        (durable.maxAgeMs === undefined || (isInt(durable.maxAgeMs) && durable.maxAgeMs > 0))),
    'durableAudio',
    '{ stream?: a JetStream stream name, maxAgeMs?: a positive integer }',
    JSON.stringify(durable),
  );
  check(
    o.fallback === undefined || typeof o.fallback === 'function',
    'fallback',
    'a function',
    o.fallback,
  );
  check(
    isInt(o.fallbackCloseCode) &&
      (o.fallbackCloseCode === 1000 ||
        (o.fallbackCloseCode >= 3000 && o.fallbackCloseCode < 5000) ||
        (o.fallbackCloseCode >= 1011 && o.fallbackCloseCode <= 1014)),
    'fallbackCloseCode',
    'a WebSocket close code an application may send (1000, 1011-1014, 3000-4999)',
    o.fallbackCloseCode,
  );
  return o;
}

let workerCounter = 0;

/** Spreads the defaults under `options`; throws a `TypeError` naming any invalid option. */
export function resolveWorkerOptions(
  options: WorkerOptions = {},
  defaultId: string,
): ResolvedWorkerOptions {
  const o = { ...WORKER_DEFAULTS, ...defined(options) };
  checkPrefix(o.prefix);
  check(
    typeof o.queue === 'string' && /^[A-Za-z0-9_.-]+$/.test(o.queue),
    'queue',
    'a NATS queue group name (letters, digits, ".", "-", "_")',
    o.queue,
  );
  check(
    o.maxCalls === Infinity || (isInt(o.maxCalls) && o.maxCalls > 0),
    'maxCalls',
    'a positive integer or Infinity',
    o.maxCalls,
  );
  check(
    o.sampleRate === undefined || isSupportedRate(o.sampleRate),
    'sampleRate',
    'a whole number of Hz from 8000 to 192000',
    o.sampleRate,
  );
  for (const name of ['edgeTimeoutMs', 'bufferMs', 'playWindow', 'maxBufferedMessages'] as const) {
    check(isInt(o[name]) && o[name] > 0, name, 'a positive integer', o[name]);
  }
  check(
    typeof o.logger === 'object' && o.logger !== null && typeof o.logger.child === 'function',
    'logger',
    'a pino-compatible logger with child()',
    o.logger,
  );
  const workerId = options.workerId ?? `${defaultId}-${++workerCounter}`;
  check(
    typeof workerId === 'string' && workerId.length > 0,
    'workerId',
    'a non-empty string',
    workerId,
  );
  return { ...o, workerId };
}

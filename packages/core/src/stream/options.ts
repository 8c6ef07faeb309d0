import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { describeFormats, isSupportedFormat } from '../protocol/media-formats.js';
import type { MediaFormat } from '../protocol/messages.js';

/** Options for one call's stream. Every field is optional; the defaults are in {@link STREAM_DEFAULTS}. */
export interface StreamOptions {
  /** Close with 1008 when no `start` arrives within this many ms. Default `10_000`. */
  startTimeoutMs?: number;
  /** Ping the platform every this many ms; a peer that misses a whole interval is terminated. `0` turns it off. Default `20_000`. */
  heartbeatMs?: number;
  /** Largest accepted WebSocket message in bytes (bigger ones close the socket with 1009). Default `65_536` (a 24 kHz L16 frame is about 1.5 KB). */
  maxPayload?: number;
  /** How much audio, in ms, each iterator (and the buffer kept until the first consumer attaches) holds before dropping the oldest frames. Default `5_000`. */
  bufferMs?: number;
  /** Replace frames missing from a track's `chunk` sequence with silence, so the timeline stays continuous. Default `false`. */
  fillGaps?: boolean;
  /**
   * Format of the audio `playAudio` sends: one the platforms play (`audio/x-mulaw` at 8000 Hz,
   * `audio/x-l16` at 8000, 16000 or 24000 Hz; 24000 is Vobiz only). Default: the format announced
   * in `start`.
   */
  outputFormat?: MediaFormat;
  /** Audio per `playAudio` message in ms: a multiple of 20, at most 100. Default `20`. */
  chunkMs?: number;
  /** How far ahead of real time playback audio is sent, in ms. It bounds how long the caller still hears the bot after `clearAudio`. Default `200`. */
  leadMs?: number;
  /** How long `clearAudio()` waits for `clearedAudio` before resolving anyway, in ms. Default `2_000`. */
  clearTimeoutMs?: number;
  /** A pino-compatible logger; each call logs through `logger.child({ callId, streamId })`. Default: silent. */
  logger?: Logger;
}

export type ResolvedStreamOptions = Required<Omit<StreamOptions, 'outputFormat'>> &
  Pick<StreamOptions, 'outputFormat'>;

/** The defaults spread under every {@link StreamOptions}. */
export const STREAM_DEFAULTS = {
  startTimeoutMs: 10_000,
  heartbeatMs: 20_000,
  maxPayload: 65_536,
  bufferMs: 5_000,
  fillGaps: false,
  chunkMs: 20,
  leadMs: 200,
  clearTimeoutMs: 2_000,
  logger: silentLogger,
} as const satisfies Omit<ResolvedStreamOptions, 'outputFormat'>;

function check(ok: boolean, name: string, rule: string, value: unknown): void {
  if (!ok) throw new TypeError(`Invalid option "${name}": ${rule} (got ${String(value)})`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Spreads the defaults under `options` and throws a `TypeError` naming any invalid option. */
export function resolveStreamOptions(options: StreamOptions = {}): ResolvedStreamOptions {
  const o = { ...STREAM_DEFAULTS, ...stripUndefined(options) };
  check(
    isInt(o.startTimeoutMs) && o.startTimeoutMs > 0,
    'startTimeoutMs',
    'a positive integer',
    o.startTimeoutMs,
  );
  check(
    isInt(o.heartbeatMs) && o.heartbeatMs >= 0,
    'heartbeatMs',
    'an integer >= 0',
    o.heartbeatMs,
  );
  check(
    isInt(o.maxPayload) && o.maxPayload >= 4096,
    'maxPayload',
    'an integer >= 4096',
    o.maxPayload,
  );
  check(isInt(o.bufferMs) && o.bufferMs >= 20, 'bufferMs', 'an integer >= 20', o.bufferMs);
  check(typeof o.fillGaps === 'boolean', 'fillGaps', 'a boolean', o.fillGaps);
  check(
    isInt(o.chunkMs) && o.chunkMs >= 20 && o.chunkMs <= 100 && o.chunkMs % 20 === 0,
    'chunkMs',
    'one of 20, 40, 60, 80, 100',
    o.chunkMs,
  );
  check(isInt(o.leadMs) && o.leadMs >= o.chunkMs, 'leadMs', 'an integer >= chunkMs', o.leadMs);
  check(
    isInt(o.clearTimeoutMs) && o.clearTimeoutMs > 0,
    'clearTimeoutMs',
    'a positive integer',
    o.clearTimeoutMs,
  );
  check(
    typeof o.logger === 'object' && o.logger !== null && typeof o.logger.child === 'function',
    'logger',
    'a pino-compatible logger with child()',
    o.logger,
  );
  if (o.outputFormat !== undefined) {
    const f = o.outputFormat;
    check(
      typeof f === 'object' && f !== null && isSupportedFormat(f, 'outbound'),
      'outputFormat',
      describeFormats('outbound'),
      JSON.stringify(f),
    );
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

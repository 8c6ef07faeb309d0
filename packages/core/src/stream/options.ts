import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { describeFormats, isSupportedFormat } from '../protocol/media-formats.js';
import type { MediaFormat } from '../protocol/messages.js';

/**
 * Options for one call's stream. Every field is optional; the defaults are in
 * {@link STREAM_DEFAULTS}. `maxPayload` is not one of them: it limits what the WebSocket server
 * accepts, so it is set where sockets are accepted (`createStreamServer`, `attachStreamServer`,
 * the Fastify plugin, or your own `WebSocketServer`), not on a socket that is already open.
 */
export interface StreamOptions {
  /** Close with 1008 when no `start` arrives within this many ms. Default `10_000`. */
  startTimeoutMs?: number;
  /** Ping the platform every this many ms; a peer that misses a whole interval is terminated. `0` turns it off. Default `20_000`. */
  heartbeatMs?: number;
  /** How much audio, in ms, each iterator (and the buffer kept until the first consumers attach) holds per track it takes (counted in 20 ms frames) before dropping the oldest frames. Default `5_000`. */
  bufferMs?: number;
  /** Replace frames missing from a track's `chunk` sequence with silence, so the timeline stays continuous. Gaps of up to 50 chunks (1 s) are filled, with at most as much silence in all as the audio that arrived plus 50 frames (a gap beyond that is counted, not filled); a bigger jump is counted in `stats.resyncs` and not filled. Default `false`. */
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
  /**
   * Unsent bytes the socket may hold before playback pauses, in bytes. Playback sends again once
   * the peer has read the backlog down; the socket holds at most this plus one `leadMs` of audio.
   * Default `262_144`.
   */
  maxBacklogBytes?: number;
  /** How long the backlog may stay over `maxBacklogBytes` before the stream fails with `ERR_BACKLOG_TIMEOUT` (close 1008, socket cut), in ms. Default `10_000`. */
  backlogTimeoutMs?: number;
  /** A pino-compatible logger; each call logs through `logger.child({ callId, streamId })`. Default: silent. */
  logger?: Logger;
}

export type ResolvedStreamOptions = Required<Omit<StreamOptions, 'outputFormat'>> &
  Pick<StreamOptions, 'outputFormat'>;

/** The defaults spread under every {@link StreamOptions}. */
export const STREAM_DEFAULTS = {
  startTimeoutMs: 10_000,
  heartbeatMs: 20_000,
  bufferMs: 5_000,
  fillGaps: false,
  chunkMs: 20,
  leadMs: 200,
  clearTimeoutMs: 2_000,
  maxBacklogBytes: 262_144,
  backlogTimeoutMs: 10_000,
  logger: silentLogger,
} as const satisfies Omit<ResolvedStreamOptions, 'outputFormat'>;

/** Throws a `TypeError` naming the option unless `ok`. */
export function checkOption(ok: boolean, name: string, rule: string, value: unknown): void {
  if (!ok) throw new TypeError(`Invalid option "${name}": ${rule} (got ${String(value)})`);
}

export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

const STREAM_KEYS = [...Object.keys(STREAM_DEFAULTS), 'outputFormat'] as (keyof StreamOptions)[];

/**
 * Spreads the defaults under the stream options among `options` (other keys, such as a server's
 * `path` or `port`, are left out) and throws a `TypeError` naming any invalid option.
 *
 * @example
 * resolveStreamOptions({ chunkMs: 40 }).leadMs; // 200, from STREAM_DEFAULTS
 * resolveStreamOptions({ chunkMs: 30 }); // TypeError: Invalid option "chunkMs": one of 20, 40, 60, 80, 100 (got 30)
 */
export function resolveStreamOptions(options: StreamOptions = {}): ResolvedStreamOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Invalid options: an object (got ${String(options)})`);
  }
  checkOption(
    (options as { maxPayload?: unknown }).maxPayload === undefined,
    'maxPayload',
    'it limits what a WebSocket server accepts, so set it on createStreamServer, attachStreamServer, the Fastify plugin or your own WebSocketServer, not on a stream',
    (options as { maxPayload?: unknown }).maxPayload,
  );
  const o: ResolvedStreamOptions = { ...STREAM_DEFAULTS, ...definedOnly(options, STREAM_KEYS) };
  checkOption(
    isInt(o.startTimeoutMs) && o.startTimeoutMs > 0,
    'startTimeoutMs',
    'a positive integer',
    o.startTimeoutMs,
  );
  checkOption(
    isInt(o.heartbeatMs) && o.heartbeatMs >= 0,
    'heartbeatMs',
    'an integer >= 0',
    o.heartbeatMs,
  );
  checkOption(isInt(o.bufferMs) && o.bufferMs >= 20, 'bufferMs', 'an integer >= 20', o.bufferMs);
  checkOption(typeof o.fillGaps === 'boolean', 'fillGaps', 'a boolean', o.fillGaps);
  checkOption(
    isInt(o.chunkMs) && o.chunkMs >= 20 && o.chunkMs <= 100 && o.chunkMs % 20 === 0,
    'chunkMs',
    'one of 20, 40, 60, 80, 100',
    o.chunkMs,
  );
  checkOption(
    isInt(o.leadMs) && o.leadMs >= o.chunkMs,
    'leadMs',
    'an integer >= chunkMs',
    o.leadMs,
  );
  checkOption(
    isInt(o.clearTimeoutMs) && o.clearTimeoutMs > 0,
    'clearTimeoutMs',
    'a positive integer',
    o.clearTimeoutMs,
  );
  checkOption(
    isInt(o.maxBacklogBytes) && o.maxBacklogBytes >= 4096,
    'maxBacklogBytes',
    'an integer >= 4096',
    o.maxBacklogBytes,
  );
  checkOption(
    isInt(o.backlogTimeoutMs) && o.backlogTimeoutMs > 0,
    'backlogTimeoutMs',
    'a positive integer',
    o.backlogTimeoutMs,
  );
  checkOption(
    typeof o.logger === 'object' && o.logger !== null && typeof o.logger.child === 'function',
    'logger',
    'a pino-compatible logger with child()',
    o.logger,
  );
  if (o.outputFormat !== undefined) {
    const f = o.outputFormat;
    checkOption(
      typeof f === 'object' && f !== null && isSupportedFormat(f, 'outbound'),
      'outputFormat',
      describeFormats('outbound'),
      JSON.stringify(f),
    );
  }
  return o;
}

/** The fields of `o` among `keys` that are not undefined (an undefined option takes its default). */
export function definedOnly<T extends object, K extends keyof T>(
  o: T,
  keys: readonly K[],
): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * Options and results of {@link simulateCall}, with their defaults and validation.
 */
import type { MediaFormat, Track } from '@callstream/core';
import {
  describeFormats,
  DTMF_DIGIT_CLASS,
  isDtmfDigit,
  isSupportedFormat,
} from '@callstream/core/internal';
import type { CallerAudio } from './media-source.js';
import type { CallEvent } from './timeline.js';
import type { Violation } from './violations.js';

/** Which platform the simulator imitates; see {@link SimulateCallOptions.dialect}. */
export type Dialect = 'plivo' | 'vobiz';

/** Options of {@link simulateCall}. Only `url` is required. */
export interface SimulateCallOptions {
  /** The WebSocket URL to call (`ws://` or `wss://`); any server, not only callstream's. */
  url: string;
  /**
   * What the caller says: a WAV file (8 to 192 kHz, any channel count: mixed to mono and
   * resampled to the call's rate) or mono samples. Default: none, the caller is silent.
   */
  audio?: CallerAudio;
  /**
   * The call's `mediaFormat`: one the dialect sends (PROTOCOL.md §4; `audio/x-l16` at 24000 Hz on
   * Vobiz only). Default `{ encoding: 'audio/x-mulaw', sampleRate: 8000 }`.
   */
  format?: MediaFormat;
  /**
   * The tracks streamed: `inbound` carries the caller, `outbound` what the caller hears (the
   * played-out `playAudio` audio). Default `['inbound']`.
   */
  tracks?: readonly Track[];
  /**
   * 1 = real time, N = N times faster, 0 = as fast as possible. Default 1. Media, DTMF and the
   * playhead all run on this clock, so at speed 1 `playAudio` audio plays at real time. A server
   * that paces its audio to the wall clock (as callstream does) cannot keep a faster playhead fed:
   * above speed 1 `heard` then has gaps and checkpoints come later in call time. At speed 0 the
   * call races ahead of the server's replies; use it for inbound-only checks.
   */
  speed?: number;
  /** DTMF digits the caller presses, at call times in ms. Default none. */
  dtmf?: readonly { atMs: number; digit: string }[];
  /** The `extra_headers` string sent on every message. Default `''` (plivo), `'{}'` (vobiz). */
  extraHeaders?: string;
  /** HTTP headers for the WebSocket upgrade (signature headers, ...). Default none. */
  headers?: Readonly<Record<string, string>>;
  /**
   * Call time in ms (at the simulated speed) at which the caller hangs up. Default: when the
   * audio ends (rounded up to a 20 ms frame); without audio, the call lasts until the server
   * closes it or {@link SimulatedCall.hangup} is called.
   */
  hangupAfterMs?: number;
  /**
   * When the hangup time comes while `playAudio` audio is still queued (or a checkpoint is not yet
   * acknowledged), keep the call open up to this many more ms of call time for it to play out.
   * Default 0: hang up on time, as a caller who puts the phone down.
   */
  waitForPlayoutMs?: number;
  /**
   * Whether the stream takes the server's commands (`<Stream bidirectional="true">`). When false,
   * every `playAudio`, `checkpoint`, `clearAudio` and `sendDTMF` is a `not-bidirectional`
   * violation and is ignored, as the platform ignores it. Default true.
   */
  bidirectional?: boolean;
  /** Send a `stop` message before closing. Default true for plivo, false for vobiz. */
  sendStop?: boolean;
  /** Platform dialect. Default `'plivo'`. */
  dialect?: Dialect;
  /** Override the generated ids (UUIDs) and account id. */
  callId?: string;
  streamId?: string;
  accountId?: string;
  /** Give up connecting after this many ms (wall time); 0 = no limit. Default 10000. */
  connectTimeoutMs?: number;
}

/** A checkpoint the simulator acknowledged with `playedStream`. */
export interface AckedCheckpoint {
  name: string;
  /** Call time of the acknowledgement, in ms since `start` (call time, not wall time). */
  atMs: number;
}

/** How the WebSocket closed, and which side closed it. */
export interface CallClose {
  code: number;
  reason: string;
  by: 'simulator' | 'server';
}

/** How the call was placed: what `start` said, and the simulator's settings. */
export interface CallMetadata {
  /** The URL the call was placed into. */
  url: string;
  accountId: string;
  dialect: Dialect;
  format: MediaFormat;
  tracks: Track[];
  /** The `extra_headers` string sent with `start`. */
  extraHeaders: string;
  /** The simulated clock's speed (1 = real time, 0 = as fast as possible). */
  speed: number;
  /** Wall-clock time of call time 0 (when `start` was sent), in epoch ms; 0 if never connected. */
  startedAt: number;
}

/** What {@link SimulatedCall.done} resolves with. */
export interface SimulatedCallResult {
  callId: string;
  streamId: string;
  /** The caller's timeline: what was played to them, at `sampleRate`, silence in between. */
  heard: Int16Array;
  /**
   * What the caller said, on the same timeline as `heard` (same length, at `sampleRate`): the
   * audio of the inbound track, whether or not that track is streamed; silence when the caller
   * has no audio or it has ended.
   */
  said: Int16Array;
  /** The call's sample rate (of `heard`). */
  sampleRate: number;
  /** Ms of server audio played to the caller (the silence between playbacks not counted). */
  playedMs: number;
  /** Acknowledged checkpoints, in order. */
  checkpoints: AckedCheckpoint[];
  /** How many `clearAudio` commands were received (each answered with `clearedAudio`). */
  cleared: number;
  /** Media messages sent, all tracks together. */
  framesSent: number;
  /** DTMF messages sent. */
  dtmfSent: number;
  /** Digits the server asked the platform to play with `sendDTMF`, one string per command. */
  dtmfReceived: string[];
  /** Commands that break PROTOCOL.md, in arrival order. */
  violations: Violation[];
  close: CallClose;
  /** Call time when the call ended, in ms. */
  durationMs: number;
  /** Every event of the call in order, on the call's clock; see {@link CallEvent}. */
  timeline: CallEvent[];
  metadata: CallMetadata;
}

/** A snapshot of a running call, for progress displays. */
export interface CallProgress {
  /** Call time in ms. */
  elapsedMs: number;
  framesSent: number;
  /** Ms of server audio played to the caller so far (silence not counted). */
  heardMs: number;
  /** Ms of server audio queued and not played yet. */
  queuedMs: number;
  checkpoints: number;
  cleared: number;
  violations: number;
}

export type ResolvedOptions = Required<
  Omit<SimulateCallOptions, 'audio' | 'hangupAfterMs' | 'callId' | 'streamId' | 'accountId'>
> &
  Pick<SimulateCallOptions, 'audio' | 'hangupAfterMs'> & {
    callId: string;
    streamId: string;
    accountId: string;
  };

function fail(option: string, why: string): never {
  throw new TypeError(`simulateCall: option "${option}" ${why}`);
}

function nonNegative(value: number | undefined, option: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    fail(option, `must be a finite number >= 0, got ${String(value)}`);
  }
}

/** Checks the options and fills in the defaults; throws a TypeError naming a bad option. */
export function resolveOptions(
  options: SimulateCallOptions,
  ids: { callId: string; streamId: string; accountId: (dialect: Dialect) => string },
): ResolvedOptions {
  if (typeof options?.url !== 'string' || !/^wss?:\/\//i.test(options.url)) {
    fail('url', `must be a ws:// or wss:// URL, got ${String(options?.url)}`);
  }
  const dialect = options.dialect ?? 'plivo';
  if (dialect !== 'plivo' && dialect !== 'vobiz') fail('dialect', 'must be "plivo" or "vobiz"');
  const format = options.format ?? { encoding: 'audio/x-mulaw', sampleRate: 8000 };
  if (
    typeof format !== 'object' ||
    format === null ||
    !isSupportedFormat(format, 'inbound', dialect)
  ) {
    fail('format', `must be ${describeFormats('inbound', dialect)} on ${dialect}`);
  }
  const tracks = options.tracks ?? ['inbound'];
  const tracksOk =
    tracks.length > 0 &&
    tracks.length <= 2 &&
    new Set(tracks).size === tracks.length &&
    tracks.every((t) => t === 'inbound' || t === 'outbound');
  if (!tracksOk) fail('tracks', 'must be ["inbound"], ["outbound"] or ["inbound", "outbound"]');
  nonNegative(options.speed, 'speed');
  nonNegative(options.hangupAfterMs, 'hangupAfterMs');
  nonNegative(options.waitForPlayoutMs, 'waitForPlayoutMs');
  nonNegative(options.connectTimeoutMs, 'connectTimeoutMs');
  for (const press of options.dtmf ?? []) {
    if (!isDtmfDigit(press?.digit)) fail('dtmf', `has a digit outside ${DTMF_DIGIT_CLASS}`);
    nonNegative(press.atMs, 'dtmf.atMs');
  }
  const audio = options.audio;
  if (audio !== undefined && typeof audio !== 'string') {
    if (!(audio.samples instanceof Int16Array)) fail('audio', 'samples must be an Int16Array');
    if (!Number.isInteger(audio.sampleRate) || audio.sampleRate <= 0) {
      fail('audio', 'sampleRate must be a positive integer');
    }
  }
  return {
    url: options.url,
    audio,
    format: { encoding: format.encoding, sampleRate: format.sampleRate },
    tracks: [...tracks].sort(), // inbound before outbound, as the platform interleaves them
    speed: options.speed ?? 1,
    dtmf: [...(options.dtmf ?? [])].sort((a, b) => a.atMs - b.atMs),
    extraHeaders: options.extraHeaders ?? (dialect === 'vobiz' ? '{}' : ''),
    headers: options.headers ?? {},
    hangupAfterMs: options.hangupAfterMs,
    waitForPlayoutMs: options.waitForPlayoutMs ?? 0,
    sendStop: options.sendStop ?? dialect === 'plivo',
    bidirectional: options.bidirectional ?? true,
    dialect,
    callId: options.callId ?? ids.callId,
    streamId: options.streamId ?? ids.streamId,
    accountId: options.accountId ?? ids.accountId(dialect),
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  };
}

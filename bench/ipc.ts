/**
 * The messages the orchestrator (run.ts) exchanges with its two children over the IPC channel:
 * the server under test (server-process.ts) and the load generator (load-generator.ts).
 */

/**
 * Inbound: (a) plain `ws` + JSON.parse + base64, the floor; (h) (a) plus the mu-law table decode
 * to PCM, the hand-written server the inbound target compares with; (b) callstream with an
 * iterator per call; (c) (b) plus a bot. Two-way echo: (d) hand-written, (e) callstream.
 * Transcription at 16 kHz: (f) callstream, (g) hand-written with speexdsp.
 */
export type Variant = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h';

/** In the order they run at each call count (h next to a and b, which it is compared with). */
export const VARIANTS: readonly Variant[] = ['a', 'h', 'b', 'c', 'd', 'e', 'f', 'g'];

/** The variants the capacity and memory sections run (the others only run in the server section). */
export const INBOUND_VARIANTS: readonly Variant[] = ['a', 'b', 'c'];

/** The two-way echo pair, run at its own call count (`--two-way-calls`). */
export const TWO_WAY_VARIANTS: readonly Variant[] = ['d', 'e'];

export const VARIANT_NAMES: Readonly<Record<Variant, string>> = {
  a: '(a) ws + JSON.parse + base64',
  b: '(b) callstream, iterator per call',
  c: '(c) (b) + bot playAudio',
  d: '(d) hand-written echo, one playAudio per frame',
  e: '(e) callstream echo, playAudio of an async iterable',
  f: '(f) callstream, iterator at 16 kHz',
  g: '(g) hand-written 16 kHz: (a) + mu-law table + speexdsp',
  h: '(h) hand-written PCM: (a) + mu-law table',
};

/**
 * Each variant's CPU is compared with its baselines', at the same N in the same run; the first is
 * the one its table row shows. (b) is compared with the hand-written server that hands out PCM as
 * it does (h), and with the floor (a).
 */
export const BASELINES: Readonly<Partial<Record<Variant, readonly Variant[]>>> = {
  b: ['h', 'a'],
  c: ['a'],
  e: ['d'],
  f: ['g'],
  h: ['a'],
};

/** Variants whose calls get `playAudio` messages back (50 a second when on time). */
export const PLAYS_AUDIO: ReadonlySet<Variant> = new Set(['c', 'd', 'e']);

/** A frame handled this long after its timestamp counts as late (five frames behind real time). */
export const LATE_MS = 100;

/** What the server process is told at start (argv[2], as JSON). */
export interface ServerConfig {
  variant: Variant;
  /** (c): seconds of bot audio each call plays, longer than the whole run. */
  botSeconds: number;
  /** Write a CPU profile of the measurement window here (.cpuprofile). */
  profilePath?: string;
}

/** What the load generator is told at start (argv[2], as JSON). */
export interface GeneratorConfig {
  port: number;
  calls: number;
}

export type ServerCommand =
  | { type: 'window-start' }
  | { type: 'window-end' }
  | { type: 'drain'; timeoutMs: number }
  | { type: 'memory' }
  | { type: 'exit' };

export type GeneratorCommand =
  | { type: 'media-start' }
  | { type: 'window-start' }
  | { type: 'window-end' }
  | { type: 'stop' }
  | { type: 'exit' };

/** The server's view of one measurement window. */
export interface ServerWindow {
  wallMs: number;
  /** CPU time (user + system) of the whole server process in the window, as % of one core. */
  cpuPercent: number;
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Frames the server handled in the window. */
  frames: number;
  /** Frames handled `LATE_MS` or more after their timestamp. */
  lateFrames: number;
  lateP99Ms: number;
  lateMaxMs: number;
}

/** Everything the server saw from first connection to the last close. */
export interface ServerTotals {
  calls: number;
  frames: number;
  /** Decoded samples (bytes for (a)): frames × 160 when every payload was decoded. */
  samples: number;
  /** Frames whose chunk skipped ahead of the next expected one (a frame missing before it). */
  gaps: number;
  /** Frames whose chunk was lower than expected (reordered or duplicated). */
  reordered: number;
  /** Stream errors and frame errors (callstream), socket errors. */
  errors: number;
  /** (c): playbacks started. */
  playbacks: number;
  /** Calls still open when the drain timed out. */
  openCalls: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Calls that have sent `start` and are still open. */
  startedCalls: number;
}

export interface GeneratorWindow {
  wallMs: number;
  cpuPercent: number;
  eventLoopP99Ms: number;
  /** How long after its due time the generator sent a frame: its own lateness. */
  sendLagP99Ms: number;
  sendLagMaxMs: number;
  /** Frames the generator itself sent `LATE_MS` or more after their due time. */
  lateSends: number;
  sent: number;
  /** playAudio messages received in the window, per call per second. */
  playAudioRateMean: number;
  playAudioRateMin: number;
}

export type ServerReport =
  | { type: 'ready'; port: number }
  | { type: 'window'; window: ServerWindow }
  | { type: 'drained'; totals: ServerTotals }
  | { type: 'memory'; memory: MemorySample };

export type GeneratorReport =
  | { type: 'connected'; calls: number; connectMs: number; failed: number }
  | { type: 'window'; window: GeneratorWindow }
  | { type: 'stopped'; sent: number; playAudio: number; otherMessages: number };

/** Sends a report to the parent process (a child's side of the channel). */
export function report(message: ServerReport | GeneratorReport): void {
  process.send?.(message);
}

/**
 * `simulateCall`: one call placed into a WebSocket server the way a Plivo-compatible platform
 * places it. The socket side lives here; the clock is {@link Ticker}, the playout model
 * {@link PlayoutBuffer}, the checks {@link CommandChecker}, the messages {@link Wire}.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createFrameEncoder } from '@callstream/core';
import { CommandChecker } from './command-checker.js';
import { CallerFrames, loadCallerAudio } from './media-source.js';
import { resolveOptions } from './options.js';
import type {
  AckedCheckpoint,
  CallClose,
  CallProgress,
  Dialect,
  ResolvedOptions,
  SimulateCallOptions,
  SimulatedCallResult,
} from './options.js';
import { PlayoutBuffer } from './playout-buffer.js';
import { PlayoutFeed } from './playout-feed.js';
import { Ticker } from './ticker.js';
import type { Violation } from './violations.js';
import { FRAME_MS, Wire } from './wire.js';

/** Events of a {@link SimulatedCall}. Listeners run inside the call's clock: keep them short. */
export interface SimulatedCallEvents {
  /** The socket is open and `start` has been sent. */
  open: [];
  /** After every 20 ms tick. */
  progress: [CallProgress];
  /** A checkpoint was acknowledged with `playedStream`. */
  checkpoint: [AckedCheckpoint];
  /** A command broke PROTOCOL.md. */
  violation: [Violation];
}

/** How long to wait for the server's close frame before dropping the connection. */
const CLOSE_TIMEOUT_MS = 2000;

function randomAccountId(dialect: Dialect): string {
  if (dialect === 'vobiz') return String(100000 + Math.floor(Math.random() * 900000));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let id = 'MA';
  for (let i = 0; i < 18; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}

/** A call in progress; see {@link simulateCall}. */
export class SimulatedCall extends EventEmitter<SimulatedCallEvents> {
  readonly callId: string;
  readonly streamId: string;
  /** Resolves when the call has ended; rejects when it could not connect. */
  readonly done: Promise<SimulatedCallResult>;
  readonly #options: ResolvedOptions;
  readonly #samplesPerFrame: number;
  readonly #playout: PlayoutBuffer;
  readonly #feed: PlayoutFeed;
  readonly #checker: CommandChecker;
  readonly #checkpoints: AckedCheckpoint[] = [];
  readonly #violations: Violation[] = [];
  readonly #dtmfReceived: string[] = [];
  #resolve!: (result: SimulatedCallResult) => void;
  #reject!: (err: Error) => void;
  #socket: WebSocket | undefined;
  #wire: Wire | undefined;
  #ticker: Ticker | undefined;
  #frames: CallerFrames | undefined;
  readonly #encode: (pcm: Int16Array) => string;
  /** The slot played at the last tick: what the outbound track carries next. */
  #lastSlot: Int16Array;
  readonly #silence: Int16Array;
  #endTick: number | undefined;
  #tick = 0;
  #nextDtmf = 0;
  #framesSent = 0;
  #dtmfSent = 0;
  #cleared = 0;
  #ending: { code: number; reason: string; by: CallClose['by'] } | undefined;
  #settled = false;

  constructor(options: SimulateCallOptions) {
    super();
    this.#options = resolveOptions(options, {
      callId: randomUUID(),
      streamId: randomUUID(),
      accountId: randomAccountId,
    });
    this.callId = this.#options.callId;
    this.streamId = this.#options.streamId;
    const { format, dialect, streamId } = this.#options;
    this.#samplesPerFrame = (format.sampleRate * FRAME_MS) / 1000;
    this.#playout = new PlayoutBuffer(this.#samplesPerFrame);
    this.#feed = new PlayoutFeed(this.#playout, format.sampleRate);
    this.#checker = new CommandChecker({ streamId, dialect });
    this.#encode = createFrameEncoder(format);
    this.#lastSlot = new Int16Array(this.#samplesPerFrame);
    this.#silence = new Int16Array(this.#samplesPerFrame);
    this.done = new Promise<SimulatedCallResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A caller that only awaits hangup() must not see an unhandled rejection from `done`.
    this.done.catch(() => {});
    this.#connect().catch((err: unknown) => this.#fail(err));
  }

  /** Hangs up now (sends `stop` when enabled, then closes); resolves like {@link done}. */
  hangup(): Promise<SimulatedCallResult> {
    if (this.#socket?.readyState === WebSocket.CONNECTING || this.#socket === undefined) {
      this.#ending = { code: 1006, reason: 'hung up before the call connected', by: 'simulator' };
      this.#socket?.terminate();
      if (this.#socket === undefined) this.#finish(this.#ending);
    } else {
      this.#end(1000, 'hangup', 'simulator');
    }
    return this.done;
  }

  /** A snapshot of the call so far. */
  progress(): CallProgress {
    const rate = this.#options.format.sampleRate;
    return {
      elapsedMs: this.#tick * FRAME_MS,
      framesSent: this.#framesSent,
      heardMs: (this.#playout.playedSamples * 1000) / rate,
      queuedMs: (this.#playout.queuedSamples * 1000) / rate,
      checkpoints: this.#checkpoints.length,
      cleared: this.#cleared,
      violations: this.#violations.length,
    };
  }

  async #connect(): Promise<void> {
    const { audio, hangupAfterMs, url, headers, connectTimeoutMs } = this.#options;
    if (audio !== undefined) {
      const pcm = await loadCallerAudio(audio, this.#options.format.sampleRate);
      this.#frames = new CallerFrames(pcm, this.#samplesPerFrame);
    }
    if (this.#ending) return this.#finish(this.#ending); // hung up while loading
    this.#endTick =
      hangupAfterMs !== undefined ? Math.ceil(hangupAfterMs / FRAME_MS) : this.#frames?.frameCount;
    const socket = new WebSocket(url, { headers, handshakeTimeout: connectTimeoutMs });
    this.#socket = socket;
    let opened = false;
    socket.on('error', (err) => {
      if (!opened && !this.#ending) this.#fail(new Error(`could not connect to ${url}: ${err.message}`));
    });
    socket.on('open', () => {
      opened = true;
      this.#open();
    });
    socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    socket.on('close', (code, reason) => {
      if (!opened && !this.#ending) return; // 'error' has rejected `done` already
      this.#ticker?.stop();
      this.#finish(this.#ending ?? { code, reason: reason.toString(), by: 'server' });
    });
  }

  #open(): void {
    const o = this.#options;
    this.#wire = new Wire({ ...o, t0: Date.now() });
    this.#send(this.#wire.start(o.tracks, o.format));
    this.#emit('open');
    this.#ticker = new Ticker((k) => this.#onTick(k), { periodMs: FRAME_MS, speed: o.speed });
    this.#ticker.start();
  }

  /** Tick k at call time 20·k: media frame k of each track, due DTMF, acks, the next slot. */
  #onTick(k: number): void {
    const wire = this.#wire as Wire;
    this.#tick = k;
    const callMs = k * FRAME_MS;
    if (k >= 1) {
      for (const track of this.#options.tracks) {
        const pcm = track === 'outbound' ? this.#lastSlot : (this.#frames?.frame(k) ?? this.#silence);
        this.#send(wire.media(track, k, this.#encode(pcm)));
        this.#framesSent++;
      }
    }
    const { dtmf } = this.#options;
    while (this.#nextDtmf < dtmf.length && (dtmf[this.#nextDtmf]?.atMs ?? 0) <= callMs) {
      const press = dtmf[this.#nextDtmf++]!;
      this.#send(wire.dtmf(press.digit, press.atMs));
      this.#dtmfSent++;
    }
    for (const name of this.#playout.reached()) {
      this.#send(wire.playedStream(name));
      const acked = { name, atMs: callMs };
      this.#checkpoints.push(acked);
      this.#emit('checkpoint', acked);
    }
    if (this.#endTick !== undefined && k >= this.#endTick) {
      const waitTicks = Math.ceil(this.#options.waitForPlayoutMs / FRAME_MS);
      if (this.#playout.idle || k >= this.#endTick + waitTicks) {
        this.#end(1000, 'hangup', 'simulator');
        return;
      }
    }
    this.#lastSlot = this.#playout.playSlot();
    this.#emit('progress', this.progress());
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const atMs = this.#tick * FRAME_MS;
    if (isBinary) {
      this.#violation({ code: 'binary-frame', message: 'binary frame (the protocol is JSON text)', atMs });
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString() : data.toString();
    const { command, violations } = this.#checker.check(text);
    for (const v of violations) this.#violation({ ...v, atMs, command: text.slice(0, 200) });
    // Once hanging up, the call's clock has stopped: nothing more plays or is acknowledged.
    if (command === undefined || this.#ending) return;
    switch (command.event) {
      case 'playAudio':
        this.#feed.play(command.pcm, command.sampleRate);
        break;
      case 'checkpoint':
        this.#feed.checkpoint(command.name);
        break;
      case 'clearAudio':
        this.#feed.clear();
        this.#playout.clear();
        this.#cleared++;
        if (this.#wire) this.#send(this.#wire.clearedAudio());
        break;
      case 'sendDTMF':
        this.#dtmfReceived.push(command.digits);
        break;
      case 'stop':
        this.#end(1000, 'stop requested by the server', 'server');
        break;
    }
  }

  #violation(violation: Violation): void {
    this.#violations.push(violation);
    this.#emit('violation', violation);
  }

  /** Ends the call from our side: optional `stop`, then the close handshake. */
  #end(code: number, reason: string, by: CallClose['by']): void {
    if (this.#ending) return;
    this.#ending = { code, reason, by };
    this.#ticker?.stop();
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    if (this.#options.sendStop && this.#wire) this.#send(this.#wire.stop('Call hung up'));
    socket.close(code, reason);
    setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS).unref();
  }

  #send(text: string): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(text);
  }

  #emit<K extends keyof SimulatedCallEvents>(event: K, ...args: SimulatedCallEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: SimulatedCallEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      // A throwing listener is the user's bug: surface it without corrupting the call's state.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  #fail(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#ticker?.stop();
    this.#socket?.terminate();
    this.#reject(err instanceof Error ? err : new Error(String(err)));
  }

  #finish(close: CallClose): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve({
      callId: this.callId,
      streamId: this.streamId,
      heard: this.#playout.heard(),
      sampleRate: this.#options.format.sampleRate,
      playedMs: (this.#playout.playedSamples * 1000) / this.#options.format.sampleRate,
      checkpoints: [...this.#checkpoints],
      cleared: this.#cleared,
      framesSent: this.#framesSent,
      dtmfSent: this.#dtmfSent,
      dtmfReceived: [...this.#dtmfReceived],
      violations: [...this.#violations],
      close,
      durationMs: this.#playout.slots * FRAME_MS,
    });
  }
}

/**
 * Places a simulated call into a WebSocket server, as Plivo (or Vobiz) would: `start`, media
 * frames every 20 ms per track, DTMF, `stop`, and a playout buffer that plays the server's
 * `playAudio` at real time (at the simulated speed) and answers `checkpoint` and `clearAudio`.
 * Throws a TypeError for invalid options; `done` rejects when the connection fails.
 *
 * @example
 * const call = simulateCall({ url: 'ws://127.0.0.1:8080/stream', audio: 'caller.wav' });
 * const { heard, checkpoints, violations } = await call.done;
 */
export function simulateCall(options: SimulateCallOptions): SimulatedCall {
  return new SimulatedCall(options);
}

/**
 * `simulateCall`: one call placed into a WebSocket server the way a Plivo-compatible platform
 * places it. This file holds the socket and the lifecycle; the platform's behaviour is
 * {@link CallModel}, its clock {@link Ticker}.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { CallModel } from './call-model.js';
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
import { Ticker } from './ticker.js';
import type { Violation } from './violations.js';
import { FRAME_MS } from './wire.js';

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
  /** A `clearAudio` flushed the playout buffer and was answered with `clearedAudio`. */
  clearedAudio: [];
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
  /** Resolves with the result when the call has ended; rejects when it could not connect. */
  readonly done: Promise<SimulatedCallResult>;
  readonly #options: ResolvedOptions;
  readonly #model: CallModel;
  #resolve!: (result: SimulatedCallResult) => void;
  #reject!: (err: Error) => void;
  #socket: WebSocket | undefined;
  #ticker: Ticker | undefined;
  #ending: CallClose | undefined;
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
    this.#model = new CallModel(this.#options, {
      send: (text) => {
        if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(text);
      },
      checkpoint: (acked) => this.#emit('checkpoint', acked),
      violation: (violation) => this.#emit('violation', violation),
      cleared: () => this.#emit('clearedAudio'),
      end: (code, reason, by) => this.#end(code, reason, by),
    });
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
    if (this.#socket === undefined || this.#socket.readyState === WebSocket.CONNECTING) {
      this.#ending ??= { code: 1006, reason: 'hung up before the call connected', by: 'simulator' };
      this.#socket?.terminate();
      if (this.#socket === undefined) this.#finish(this.#ending);
    } else {
      this.#end(1000, 'hangup', 'simulator');
    }
    return this.done;
  }

  /** A snapshot of the call so far. */
  progress(): CallProgress {
    return this.#model.progress();
  }

  async #connect(): Promise<void> {
    const { audio, url, headers, connectTimeoutMs, format } = this.#options;
    if (audio !== undefined) {
      const pcm = await loadCallerAudio(audio, format.sampleRate);
      this.#model.frames = new CallerFrames(pcm, this.#model.samplesPerFrame);
    }
    if (this.#ending) return this.#finish(this.#ending); // hung up while loading
    const socket = new WebSocket(url, { headers, handshakeTimeout: connectTimeoutMs });
    this.#socket = socket;
    let opened = false;
    socket.on('error', (err) => {
      if (!opened && !this.#ending) {
        this.#fail(new Error(`could not connect to ${url}: ${err.message}`));
      }
    });
    socket.on('open', () => {
      opened = true;
      this.#model.start(Date.now());
      this.#emit('open');
      const ticker = new Ticker(
        (k) => {
          this.#model.tick(k);
          if (!this.#ending) this.#emit('progress', this.#model.progress());
        },
        { periodMs: FRAME_MS, speed: this.#options.speed },
      );
      this.#ticker = ticker;
      if (!this.#ending) ticker.start();
    });
    socket.on('message', (data, isBinary) => {
      this.#model.receive(isBinary ? undefined : rawText(data));
    });
    socket.on('close', (code, reason) => {
      if (!opened && !this.#ending) return; // 'error' has rejected `done` already
      this.#ticker?.stop();
      this.#finish(this.#ending ?? { code, reason: reason.toString(), by: 'server' });
    });
  }

  /** Ends the call from our side: optional `stop`, then the close handshake. */
  #end(code: number, reason: string, by: CallClose['by']): void {
    if (this.#ending) return;
    this.#ending = { code, reason, by };
    this.#ticker?.stop();
    const stop = this.#model.end();
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    if (stop !== undefined) socket.send(stop);
    socket.close(code, reason);
    setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS).unref();
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
    this.#resolve(this.#model.result(close));
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
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

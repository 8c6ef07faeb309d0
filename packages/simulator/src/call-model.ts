/**
 * The platform's side of one call, without the socket: what to send at each 20 ms tick (media per
 * track, due DTMF, checkpoint acknowledgements), what to do with each frame the server sends, and
 * the tallies that make up the result. {@link SimulatedCall} wires it to a WebSocket and a clock.
 */
import { createFrameEncoder } from '@callstream/core/internal';
import { CommandChecker } from './command-checker.js';
import type { CallerFrames } from './media-source.js';
import type {
  AckedCheckpoint,
  CallClose,
  CallProgress,
  ResolvedOptions,
  SimulatedCallResult,
} from './options.js';
import { PlayoutBuffer } from './playout-buffer.js';
import { PlayoutFeed } from './playout-feed.js';
import { CallTimeline } from './timeline.js';
import type { Violation } from './violations.js';
import { FRAME_MS, Wire } from './wire.js';

/** How the model reaches the outside world. */
export interface CallModelHooks {
  send(text: string): void;
  checkpoint(acked: AckedCheckpoint): void;
  violation(violation: Violation): void;
  /** A `clearAudio` was answered with `clearedAudio`. */
  cleared(): void;
  /** The call should end: its hangup time came, or (Vobiz) the server sent `stop`. */
  end(code: number, reason: string, by: CallClose['by']): void;
}

export class CallModel {
  /** Set when the caller's audio has been loaded; without it the caller is silent. */
  frames: CallerFrames | undefined;
  readonly #o: ResolvedOptions;
  readonly #hooks: CallModelHooks;
  readonly #playout: PlayoutBuffer;
  readonly #feed: PlayoutFeed;
  readonly #checker: CommandChecker;
  readonly #encode: (pcm: Int16Array) => string;
  readonly #silence: Int16Array;
  readonly #checkpoints: AckedCheckpoint[] = [];
  readonly #violations: Violation[] = [];
  readonly #dtmfReceived: string[] = [];
  readonly #timeline = new CallTimeline();
  #t0 = 0;
  #wire: Wire | undefined;
  /** The slot played at the last tick: what the outbound track carries next. */
  #lastSlot: Int16Array;
  #endTick: number | undefined;
  #tick = 0;
  #nextDtmf = 0;
  #framesSent = 0;
  #dtmfSent = 0;
  #cleared = 0;
  #ended = false;

  constructor(options: ResolvedOptions, hooks: CallModelHooks) {
    this.#o = options;
    this.#hooks = hooks;
    const samplesPerFrame = (options.format.sampleRate * FRAME_MS) / 1000;
    this.#playout = new PlayoutBuffer(samplesPerFrame);
    this.#feed = new PlayoutFeed(this.#playout, options.format.sampleRate);
    this.#checker = new CommandChecker({ streamId: options.streamId, dialect: options.dialect });
    this.#encode = createFrameEncoder(options.format);
    this.#silence = new Int16Array(samplesPerFrame);
    this.#lastSlot = this.#silence;
  }

  /** Samples per 20 ms frame at the call's rate. */
  get samplesPerFrame(): number {
    return this.#silence.length;
  }

  /** Sends `start`; call time 0 is `t0` (epoch ms). */
  start(t0: number): void {
    const o = this.#o;
    this.#wire = new Wire({ ...o, t0 });
    this.#t0 = t0;
    this.#timeline.add({ type: 'start', atMs: 0 });
    const { hangupAfterMs } = o;
    this.#endTick =
      hangupAfterMs !== undefined ? Math.ceil(hangupAfterMs / FRAME_MS) : this.frames?.frameCount;
    this.#hooks.send(this.#wire.start(o.tracks, o.format));
  }

  /** Tick k at call time 20·k: media frame k of each track, due DTMF, acks, the next slot. */
  tick(k: number): void {
    const wire = this.#wire as Wire;
    const send = this.#hooks.send;
    this.#tick = k;
    const callMs = k * FRAME_MS;
    if (k >= 1) {
      for (const track of this.#o.tracks) {
        const pcm =
          track === 'outbound' ? this.#lastSlot : (this.frames?.frame(k) ?? this.#silence);
        send(wire.media(track, k, this.#encode(pcm)));
        this.#framesSent++;
      }
    }
    const { dtmf } = this.#o;
    while (this.#nextDtmf < dtmf.length && dtmf[this.#nextDtmf]!.atMs <= callMs) {
      const press = dtmf[this.#nextDtmf++]!;
      send(wire.dtmf(press.digit, press.atMs));
      this.#dtmfSent++;
      this.#timeline.add({ type: 'dtmf', atMs: callMs, digit: press.digit });
    }
    for (const name of this.#playout.reached()) {
      send(wire.playedStream(name));
      const acked = { name, atMs: callMs };
      this.#checkpoints.push(acked);
      this.#timeline.acknowledged(callMs, name);
      this.#hooks.checkpoint(acked);
    }
    if (this.#endTick !== undefined && k >= this.#endTick) {
      const waitTicks = Math.ceil(this.#o.waitForPlayoutMs / FRAME_MS);
      if (this.#playout.idle || k >= this.#endTick + waitTicks) {
        this.#hooks.end(1000, 'hangup', 'simulator');
        return;
      }
    }
    this.#lastSlot = this.#playout.playSlot();
  }

  /** Handles one frame from the server: checks it, then acts on it unless the call is ending. */
  receive(text: string | undefined): void {
    const atMs = this.#tick * FRAME_MS;
    if (text === undefined) {
      this.#violation({
        code: 'binary-frame',
        message: 'binary frame (the protocol is JSON text)',
        atMs,
      });
      return;
    }
    const { command, violations } = this.#checker.check(text);
    for (const v of violations) this.#violation({ ...v, atMs, command: text.slice(0, 200) });
    if (command !== undefined && !this.#o.bidirectional && command.event !== 'stop') {
      const message = `${command.event} on a stream that is not bidirectional (the platform ignores it)`;
      this.#violation({ code: 'not-bidirectional', message, atMs, command: text.slice(0, 200) });
      return;
    }
    // Once hanging up, the call's clock has stopped: nothing more plays or is acknowledged.
    if (command === undefined || this.#ended) return;
    switch (command.event) {
      case 'playAudio':
        this.#timeline.playAudio(
          atMs,
          (command.pcm.length * 1000) / command.sampleRate,
          this.#playout.queuedSamples === 0,
        );
        this.#feed.play(command.pcm, command.sampleRate);
        break;
      case 'checkpoint':
        this.#feed.checkpoint(command.name);
        this.#timeline.checkpoint(atMs, command.name);
        break;
      case 'clearAudio': {
        this.#feed.clear();
        const { droppedSamples, voided } = this.#playout.clear();
        this.#cleared++;
        this.#timeline.cleared(atMs, (droppedSamples * 1000) / this.#o.format.sampleRate, voided);
        if (this.#wire) this.#hooks.send(this.#wire.clearedAudio());
        this.#timeline.add({ type: 'clearedAudio', atMs });
        this.#hooks.cleared();
        break;
      }
      case 'sendDTMF':
        this.#dtmfReceived.push(command.digits);
        this.#timeline.add({ type: 'sendDTMF', atMs, digits: command.digits });
        break;
      case 'stop':
        this.#hooks.end(1000, 'stop requested by the server', 'server');
        break;
    }
  }

  /** Marks the call as ending; returns the `stop` message to send first, if the dialect sends one. */
  end(): string | undefined {
    this.#ended = true;
    return this.#o.sendStop && this.#wire ? this.#wire.stop('Call hung up') : undefined;
  }

  progress(): CallProgress {
    const rate = this.#o.format.sampleRate;
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

  result(close: CallClose): SimulatedCallResult {
    const o = this.#o;
    const rate = o.format.sampleRate;
    const heard = this.#playout.heard();
    const durationMs = this.#playout.slots * FRAME_MS;
    return {
      callId: o.callId,
      streamId: o.streamId,
      heard,
      said: this.frames?.timeline(heard.length) ?? new Int16Array(heard.length),
      sampleRate: rate,
      playedMs: (this.#playout.playedSamples * 1000) / rate,
      checkpoints: [...this.#checkpoints],
      cleared: this.#cleared,
      framesSent: this.#framesSent,
      dtmfSent: this.#dtmfSent,
      dtmfReceived: [...this.#dtmfReceived],
      violations: [...this.#violations],
      close,
      durationMs,
      timeline: this.#timeline.events({ type: 'hangup', atMs: durationMs, ...close }),
      metadata: {
        url: o.url,
        accountId: o.accountId,
        dialect: o.dialect,
        format: { ...o.format },
        tracks: [...o.tracks],
        extraHeaders: o.extraHeaders,
        speed: o.speed,
        startedAt: this.#t0,
      },
    };
  }

  #violation(violation: Violation): void {
    this.#violations.push(violation);
    this.#hooks.violation(violation);
    const { code, message, atMs } = violation;
    this.#timeline.add({ type: 'violation', atMs, code, message });
  }
}

import {
  createResampler,
  type AudioFrame,
  type CallStream,
  type Logger,
  type Resampler,
  type Track,
} from '@callstream/core';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { EdgePlaybacks } from './edge-playbacks.js';
import { Link, type LinkCounters } from './link.js';
import {
  decodeJson,
  encodeFrame,
  encodeJson,
  isJson,
  sessionSubjects,
  type EdgeEvent,
  type WorkerCommand,
} from './wire.js';
import { parseWorkerCommand } from './wire-parse.js';

/** Counters of one bridged call on the edge. */
export interface EdgeCallStats extends LinkCounters {
  /** Audio frames published to a worker. */
  framesRelayed: number;
  /** PCM bytes of the frames published (headers not counted). */
  bytesRelayed: number;
  /** Events (dtmf, playback results, replies, ...) published to a worker. */
  eventsRelayed: number;
  /** Commands received from a worker. */
  commands: number;
  /** Playback chunks received from a worker. */
  chunks: number;
  /** Offers made (the first one and re-offers). */
  offers: number;
  /** Offers made after the call's worker was lost. */
  reoffers: number;
  /** Workers of this call taken for dead. */
  workersLost: number;
  /** Malformed messages from a worker (ignored). */
  malformed: number;
  /** Frames written to JetStream (`durableAudio`). */
  durableFrames: number;
  /** Frames not written to JetStream because NATS was disconnected. */
  durableDropped: number;
}

export function createEdgeCallStats(): EdgeCallStats {
  return {
    framesRelayed: 0,
    bytesRelayed: 0,
    eventsRelayed: 0,
    commands: 0,
    chunks: 0,
    offers: 0,
    reoffers: 0,
    workersLost: 0,
    malformed: 0,
    durableFrames: 0,
    durableDropped: 0,
    droppedFrames: 0,
    droppedMessages: 0,
    bufferedMessages: 0,
  };
}

export interface EdgeSessionOptions {
  nc: NatsConnection;
  prefix: string;
  session: string;
  stream: CallStream;
  stats: EdgeCallStats;
  log: Logger;
  heartbeatMs: number;
  workerTimeoutMs: number;
  maxBufferedFrames: number;
  maxBufferedMessages: number;
  onWorkerLost: (session: EdgeSession) => void;
  /** The session has ended (closed or aborted). */
  onClosed: (session: EdgeSession) => void;
}

/**
 * One offer of a call to one worker: the link to it, the commands it sends and the playbacks it
 * started. A call has a new session for each offer; only the current one carries its audio.
 */
export class EdgeSession {
  readonly id: string;
  readonly #o: EdgeSessionOptions;
  readonly #link: Link;
  readonly #sub: Subscription;
  readonly #playbacks: EdgePlaybacks;
  readonly #resamplers = new Map<Track, Resampler>();
  /** The last frame of each resampled track: the end of the call flushes its resampler with its metadata. */
  readonly #last = new Map<Track, AudioFrame>();
  /**
   * What happened before a worker took the call, in order: frames (kept until the worker's wire
   * rate is known, bounded, oldest dropped first) and events.
   */
  #early: ({ frame: AudioFrame } | { event: EdgeEvent })[] | undefined = [];
  #earlyFrames = 0;
  #wireRate = 0;
  #closed = false;
  /** The call ended before a worker took it: close once one does (it still gets the whole call). */
  #closeOnAttach: { code: number; reason: string } | undefined;
  worker = '';

  constructor(options: EdgeSessionOptions) {
    this.#o = options;
    this.id = options.session;
    this.#playbacks = new EdgePlaybacks(options.stream, options.log, (e) => this.event(e));
    const subjects = sessionSubjects(options.prefix, options.session);
    this.#link = new Link(options.nc, {
      subject: subjects.toWorker,
      heartbeatMs: options.heartbeatMs,
      peerTimeoutMs: options.workerTimeoutMs,
      maxBufferedFrames: options.maxBufferedFrames,
      maxBufferedMessages: options.maxBufferedMessages,
      counters: options.stats,
      heartbeat: encodeJson({ ev: 'hb' }),
      onPeerLost: () => {
        if (!this.#closed) options.onWorkerLost(this);
      },
    });
    // Subscribe before the offer goes out, so the worker's first commands are not lost.
    this.#sub = options.nc.subscribe(subjects.toEdge, {
      callback: (err, msg) => {
        if (err === null) this.#receive(msg.data);
      },
    });
  }

  /** A worker took the call: tell it, then send what was kept meanwhile at its rate. */
  attach(worker: string, requestedRate: number | undefined): void {
    if (this.#closed) return;
    this.worker = worker;
    const callRate = this.#o.stream.format.sampleRate;
    this.#wireRate =
      requestedRate !== undefined && requestedRate < callRate ? requestedRate : callRate;
    this.#link.sendNow(encodeJson({ ev: 'attach', wireRate: this.#wireRate }));
    this.#link.heard();
    const early = this.#early ?? [];
    this.#early = undefined;
    for (const item of early) {
      if ('frame' in item) this.frame(item.frame);
      else this.event(item.event);
    }
    const pending = this.#closeOnAttach;
    if (pending !== undefined) {
      this.flush();
      this.close(pending.code, pending.reason);
    }
  }

  /** True once a worker took the session. */
  get attached(): boolean {
    return this.#early === undefined;
  }

  /** One frame of the call: to the worker (resampled to its wire rate), or kept until it answers. */
  frame(frame: AudioFrame): void {
    if (this.#closed) return;
    const early = this.#early;
    if (early !== undefined) {
      if (this.#earlyFrames >= this.#o.maxBufferedFrames) {
        early.splice(
          early.findIndex((item) => 'frame' in item),
          1,
        );
        this.#earlyFrames--;
        this.#o.stats.droppedFrames++;
      }
      // Frames may be views on a shared slab: keep a copy.
      early.push({ frame: { ...frame, samples: frame.samples.slice() } });
      this.#earlyFrames++;
      return;
    }
    let out = frame;
    if (frame.sampleRate !== this.#wireRate) {
      let resampler = this.#resamplers.get(frame.track);
      if (resampler === undefined) {
        resampler = createResampler(frame.sampleRate, this.#wireRate);
        this.#resamplers.set(frame.track, resampler);
      }
      out = { ...frame, samples: resampler.process(frame.samples), sampleRate: this.#wireRate };
      this.#last.set(frame.track, out);
      if (out.samples.length === 0) return;
    }
    this.#publishFrame(out);
  }

  /** The call ended: send what the resamplers still hold, as a local `frames({ sampleRate })` does. */
  flush(): void {
    if (this.#closed || !this.attached) return;
    for (const [track, resampler] of this.#resamplers) {
      const last = this.#last.get(track);
      const samples = resampler.flush();
      if (last !== undefined && samples.length > 0) this.#publishFrame({ ...last, samples });
    }
    this.#resamplers.clear();
  }

  #publishFrame(frame: AudioFrame): void {
    this.#o.stats.framesRelayed++;
    this.#o.stats.bytesRelayed += frame.samples.length * 2;
    this.#link.send(encodeFrame(frame), true);
  }

  event(event: EdgeEvent): void {
    if (this.#closed) return;
    if (this.#early !== undefined) {
      if (this.#early.length - this.#earlyFrames < this.#o.maxBufferedMessages) {
        this.#early.push({ event });
      } else this.#o.stats.droppedMessages++;
      return;
    }
    this.#o.stats.eventsRelayed++;
    this.#link.send(encodeJson(event), false);
  }

  /** Stops the worker's playbacks on the call (its worker is gone). */
  cancelPlaybacks(): void {
    this.#playbacks.cancelAll();
  }

  /**
   * Ends the session: the worker is told (if it still listens) and nothing more is sent or read.
   * Before a worker took it, the close waits for one (or for {@link abort}).
   */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    if (!this.attached) {
      this.#closeOnAttach = { code, reason };
      return;
    }
    this.event({ ev: 'close', code, reason });
    this.abort();
  }

  /** Ends the session without telling the worker (no worker took it, or it is gone). */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#link.close();
    this.#sub.unsubscribe();
    this.#playbacks.close();
    this.#o.onClosed(this);
  }

  #receive(data: Uint8Array): void {
    if (this.#closed) return;
    this.#link.heard();
    if (!isJson(data)) {
      this.#o.stats.chunks++;
      if (!this.#playbacks.chunk(data))
        this.#malformed('a binary message that is not a playback chunk');
      return;
    }
    const json = decodeJson(data);
    const cmd = json === undefined ? undefined : parseWorkerCommand(json);
    if (cmd === undefined) {
      this.#malformed(`not a command: ${json === undefined ? 'not JSON' : String(json.op)}`);
      return;
    }
    if (cmd.op === 'hb') return;
    this.#o.stats.commands++;
    try {
      this.#command(cmd);
    } catch (err) {
      this.#malformed(`command "${cmd.op}" failed: ${err instanceof Error ? err.message : err}`);
    }
  }

  #command(cmd: WorkerCommand): void {
    const stream = this.#o.stream;
    switch (cmd.op) {
      case 'hb':
        return;
      case 'play':
        this.#playbacks.play(cmd);
        return;
      case 'end':
        this.#playbacks.end(cmd.id, cmd.error);
        return;
      case 'cancel':
        void this.#playbacks.cancel(cmd.id).then(() => this.event({ ev: 'reply', req: cmd.req }));
        return;
      case 'checkpoint':
        void stream
          .checkpoint(cmd.name)
          .then((value) => this.event({ ev: 'reply', req: cmd.req, value }));
        return;
      case 'clear':
        void stream.clearAudio().then(() => this.event({ ev: 'reply', req: cmd.req }));
        return;
      case 'dtmf':
        try {
          stream.sendDtmf(cmd.digits);
          this.event({ ev: 'reply', req: cmd.req });
        } catch (err) {
          const e = err as { code?: string; message?: string };
          this.event({
            ev: 'reply',
            req: cmd.req,
            error: { code: e.code ?? 'ERR_HANDLER', message: e.message ?? String(err) },
          });
        }
        return;
      case 'close':
        stream.close(cmd.code, cmd.reason).catch((err: unknown) => {
          this.#malformed(`close failed: ${err instanceof Error ? err.message : String(err)}`);
        });
        return;
    }
  }

  #malformed(what: string): void {
    this.#o.stats.malformed++;
    this.#o.log.debug({ session: this.id }, `ignored from the worker: ${what}`);
  }
}

import { randomUUID } from 'node:crypto';
import type { AudioFrame, CallStream, Logger } from '@callstream/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { audioSubject } from './durable-audio.js';
import { createEdgeCallStats, EdgeSession } from './edge-session.js';
import { isConnected } from './link.js';
import type { FallbackReason, ResolvedBridgeOptions } from './options.js';
import { decodeJson, encodeFrame, encodeJson, offerSubject, type Offer } from './wire.js';

/** What a bridged call needs of its bridge. */
export interface EdgeCallHost {
  readonly nc: NatsConnection;
  readonly options: ResolvedBridgeOptions;
  readonly logger: Logger | undefined;
  countFallback(): void;
  /** The call has ended and its last session is closed: its counters move to the edge's totals. */
  ended(call: EdgeCall): void;
}

const json = (value: object): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** One call on the edge: the stream, its current session, its offers. */
export class EdgeCall {
  readonly stream: CallStream;
  readonly stats = createEdgeCallStats();
  readonly #bridge: EdgeCallHost;
  readonly #log: Logger;
  #session: EdgeSession | undefined;
  #reoffers = 0;
  #ended = false;
  /** Resolves once the call has ended and its last session is closed. */
  readonly done: Promise<void>;
  #finished = false;
  #resolveDone!: () => void;

  constructor(bridge: EdgeCallHost, stream: CallStream) {
    this.#bridge = bridge;
    this.stream = stream;
    this.#log =
      bridge.logger?.child({ callId: stream.callId, streamId: stream.streamId }) ?? stream.log;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#listen();
    this.#startOffer();
  }

  get worker(): string {
    return this.#session?.worker ?? '';
  }

  #listen(): void {
    const s = this.stream;
    const to = (e: Parameters<EdgeSession['event']>[0]): void => this.#session?.event(e);
    const on = s.on.bind(s);
    const durable = this.#durable();
    on('media', (frame: AudioFrame) => {
      this.#session?.frame(frame);
      durable?.(encodeFrame(frame), true);
    });
    on('close', ({ code, reason }) => durable?.(json({ ev: 'end', code, reason }), false));
    on('dtmf', (e) => to({ ev: 'dtmf', digit: e.digit, track: e.track, timestamp: e.timestamp }));
    on('playedStream', (e) => to({ ev: 'playedStream', name: e.name }));
    on('clearedAudio', () => to({ ev: 'clearedAudio' }));
    on('stop', (e) => to({ ev: 'stop', reason: e.reason }));
    on('unknown', (message) => to({ ev: 'unknown', message }));
    on('frameError', (err) => to({ ev: 'frameError', code: err.code, message: err.message }));
    on('close', ({ code, reason }) => {
      this.#ended = true;
      this.#session?.flush();
      // Playback results settle in microtasks after this event: send them first. A session still
      // being offered closes once a worker takes it, so that even a short call is handled.
      setImmediate(() => {
        if (this.#session === undefined) this.#finish();
        else this.#session.close(code, reason);
      });
    });
  }

  /** The writer of this call's durable audio (`durableAudio`), or undefined. */
  #durable(): ((data: Uint8Array, frame: boolean) => void) | undefined {
    const b = this.#bridge;
    if (b.options.durableAudio === undefined) return undefined;
    const s = this.stream;
    const subject = audioSubject(b.options.prefix, s.streamId);
    // Plain publishes: the JetStream stream captures them; nothing waits for an ack per frame.
    const write = (data: Uint8Array, frame: boolean): void => {
      if (!isConnected(b.nc) || b.nc.isClosed()) {
        if (frame) this.stats.durableDropped++;
        return;
      }
      try {
        b.nc.publish(subject, data);
        if (frame) this.stats.durableFrames++;
      } catch (err) {
        this.#log.debug({ err }, 'durable audio not written');
      }
    };
    const { callId, streamId, tracks, format } = s;
    write(json({ ev: 'start', callId, streamId, tracks, format }), false);
    return write;
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#log.debug({ stats: this.stats }, 'bridged call ended');
    this.#bridge.ended(this);
    this.#resolveDone();
  }

  #startOffer(): void {
    if (this.#bridge.nc.isClosed()) {
      this.#log.warn({}, 'the NATS connection is closed');
      this.#fallback(this.#reoffers === 0 ? 'no-worker' : 'worker-lost');
      return;
    }
    this.#offer().catch((err: unknown) => {
      this.#log.error({ err }, 'offering the call failed');
      this.#session?.abort();
      this.#session = undefined;
      if (!this.#ended) this.#fallback('no-worker');
    });
  }

  async #offer(): Promise<void> {
    const b = this.#bridge;
    const o = b.options;
    const s = this.stream;
    const attempt = this.#reoffers; // 0 for the first offer, n for the n-th re-offer
    const session = new EdgeSession({
      nc: b.nc,
      prefix: o.prefix,
      session: randomUUID(),
      stream: s,
      stats: this.stats,
      log: this.#log,
      heartbeatMs: o.heartbeatMs,
      workerTimeoutMs: o.workerTimeoutMs,
      maxBufferedFrames: Math.ceil(o.bufferMs / 20) * Math.max(1, s.tracks.length),
      maxBufferedMessages: o.maxBufferedMessages,
      onWorkerLost: (lost) => this.#workerLost(lost),
      onClosed: (closed) => {
        if (this.#session === closed) this.#session = undefined;
        if (this.#ended && this.#session === undefined) this.#finish();
      },
    });
    this.#session = session;
    const offer: Offer = {
      v: 1,
      session: session.id,
      attempt,
      callId: s.callId,
      streamId: s.streamId,
      accountId: s.accountId,
      tracks: [...s.tracks],
      format: { ...s.format },
      extraHeaders: { ...s.extraHeaders },
      heartbeatMs: o.heartbeatMs,
    };
    const payload = encodeJson(offer);
    const deadline = performance.now() + o.offerTimeoutMs;
    while (this.#session === session) {
      const remaining = Math.round(deadline - performance.now());
      if (remaining <= 0) break;
      this.stats.offers++;
      try {
        const reply = await b.nc.request(offerSubject(o.prefix), payload, { timeout: remaining });
        const answer = decodeJson(reply.data);
        if (answer?.accept === true) {
          if (this.#session !== session) return;
          const rate = typeof answer.sampleRate === 'number' ? answer.sampleRate : undefined;
          session.attach(String(answer.worker), rate);
          this.#log.info({ worker: session.worker, session: session.id, attempt }, 'call taken');
          return;
        }
        await delay(10); // declined (worker full): the queue group may pick another member
      } catch (err) {
        const e = err as { name?: string; isNoResponders?: () => boolean };
        if (e.isNoResponders?.() === true) await delay(Math.min(50, remaining));
        else if (e.name !== 'TimeoutError') await delay(Math.min(50, remaining));
      }
    }
    if (this.#session !== session) return;
    session.abort();
    this.#session = undefined;
    if (this.#ended) this.#log.warn({}, 'the call ended before a worker took it');
    else this.#fallback(attempt === 0 ? 'no-worker' : 'worker-lost');
  }

  #workerLost(lost: EdgeSession): void {
    if (this.#session !== lost || this.#ended) return;
    const o = this.#bridge.options;
    this.stats.workersLost++;
    lost.cancelPlaybacks();
    lost.close(1001, 'worker lost');
    this.#session = undefined;
    if (this.#ended) return;
    if (o.onWorkerLost === 'reoffer' && this.#reoffers < o.maxReoffers) {
      this.#reoffers++;
      this.stats.reoffers++;
      this.#log.warn(
        { worker: lost.worker, session: lost.id },
        'worker lost: offering the call again',
      );
      this.#startOffer();
      return;
    }
    this.#log.warn({ worker: lost.worker, session: lost.id }, 'worker lost');
    this.#fallback('worker-lost');
  }

  #fallback(reason: FallbackReason): void {
    const b = this.#bridge;
    b.countFallback();
    const handler = b.options.fallback;
    if (handler === undefined) {
      const code = b.options.fallbackCloseCode;
      this.#log.warn({ reason, code }, `no worker for the call (${reason}): closing it`);
      void this.stream.close(code, reason === 'no-worker' ? 'no worker available' : 'worker lost');
      return;
    }
    this.#log.info({ reason }, `no worker for the call (${reason}): fallback handler`);
    try {
      void Promise.resolve(handler(this.stream, { reason })).catch((err: unknown) =>
        this.#log.error({ err }, 'the fallback handler rejected'),
      );
    } catch (err) {
      this.#log.error({ err }, 'the fallback handler threw');
    }
  }
}

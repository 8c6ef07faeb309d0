import type { CallStream, Logger } from '@callstream/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { ensureAudioStream } from './durable-audio.js';
import { EdgeCall } from './edge-call.js';
import { createEdgeCallStats, type EdgeCallStats } from './edge-session.js';
import { resolveBridgeOptions, type BridgeOptions } from './options.js';

/**
 * Anything that announces calls with a `stream` event: every `StreamRegistry` (the server of
 * `createStreamServer`, the handle `attachStreamServer` returns, Fastify's `app.callstream`),
 * or any emitter of `stream` `(stream, request)`.
 */
export interface StreamSource {
  on(event: 'stream', listener: (stream: CallStream, request: unknown) => void): unknown;
  off?(event: 'stream', listener: (stream: CallStream, request: unknown) => void): unknown;
  removeListener?(
    event: 'stream',
    listener: (stream: CallStream, request: unknown) => void,
  ): unknown;
}

/** Counters of one edge (every call it bridged). */
export interface BridgeStats extends EdgeCallStats {
  /** Calls bridged so far. */
  calls: number;
  /** Calls bridged now. */
  active: number;
  /** Calls that got the fallback (no worker took them, or no re-offer was left). */
  fallbacks: number;
}

/** One bridged call, as `bridge.calls` lists it. */
export interface BridgedCall {
  readonly stream: CallStream;
  readonly stats: EdgeCallStats;
  /** The worker that has the call now (`''` while it is being offered). */
  readonly worker: string;
}

/** The handle `bridgeCalls` returns. */
export interface Bridge {
  readonly stats: Readonly<BridgeStats>;
  /** Calls bridged now, by streamId. */
  readonly calls: ReadonlyMap<string, BridgedCall>;
  /** Resolves once the bridge can take calls: at once, or when the `durableAudio` stream exists (rejects if it cannot be made). */
  readonly ready: Promise<void>;
  /** Stops bridging new calls; resolves once the calls bridged so far have ended. */
  close(): Promise<void>;
}

const PER_CALL_KEYS = Object.keys(createEdgeCallStats()) as (keyof EdgeCallStats)[];

class BridgeImpl implements Bridge {
  readonly nc: NatsConnection;
  readonly options: ReturnType<typeof resolveBridgeOptions>;
  readonly logger: Logger | undefined;
  readonly #source: StreamSource;
  readonly ready: Promise<void>;
  readonly #calls = new Map<string, EdgeCall>();
  readonly #stats: BridgeStats = { ...createEdgeCallStats(), calls: 0, active: 0, fallbacks: 0 };
  /** Counters of calls that have ended, added to those of live calls in `stats`. */
  readonly #endedTotals = createEdgeCallStats();
  #closed = false;
  readonly #onStream = (stream: CallStream): void => {
    if (this.#closed) return;
    this.#stats.calls++;
    this.#calls.set(stream.streamId, new EdgeCall(this, stream));
  };

  constructor(source: StreamSource, nc: NatsConnection, options: BridgeOptions) {
    this.options = resolveBridgeOptions(options);
    this.logger = options.logger;
    this.nc = nc;
    this.#source = source;
    const durable = this.options.durableAudio;
    this.ready =
      durable === undefined
        ? Promise.resolve()
        : ensureAudioStream(nc, this.options.prefix, durable);
    this.ready.catch(() => {}); // awaited by users who care
    source.on('stream', this.#onStream);
  }

  get stats(): Readonly<BridgeStats> {
    const out = { ...this.#stats, active: this.#calls.size };
    for (const key of PER_CALL_KEYS) {
      let sum = this.#endedTotals[key];
      for (const call of this.#calls.values()) sum += call.stats[key];
      out[key] = sum;
    }
    return out;
  }

  get calls(): ReadonlyMap<string, BridgedCall> {
    return this.#calls;
  }

  countFallback(): void {
    this.#stats.fallbacks++;
  }

  ended(call: EdgeCall): void {
    if (this.#calls.get(call.stream.streamId) !== call) return;
    this.#calls.delete(call.stream.streamId);
    for (const key of PER_CALL_KEYS) this.#endedTotals[key] += call.stats[key];
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (typeof this.#source.off === 'function') this.#source.off('stream', this.#onStream);
      else this.#source.removeListener?.('stream', this.#onStream);
    }
    await Promise.all([...this.#calls.values()].map((c) => c.done));
  }
}

/**
 * Bridges every call that starts on `server` to a pool of workers over NATS: each call is offered
 * on `<prefix>.offer` (a request to the workers' queue group, so exactly one worker takes it);
 * its audio and events go to that worker, its commands come back. Parsing, decoding, gap
 * handling, encoding, pacing and checkpoints stay here, next to the socket.
 *
 * A call no worker takes within `offerTimeoutMs` gets the fallback (by default: closed with
 * 1013 and a warning). A worker that stops sending heartbeats is taken for dead after
 * `workerTimeoutMs`; its playbacks are cancelled and the call is offered again (`onWorkerLost`).
 *
 * @example
 * import { connect } from '@nats-io/transport-node';
 * import { createStreamServer } from '@callstream/core';
 * import { bridgeCalls } from '@callstream/nats';
 *
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const server = createStreamServer({ port: 8080, path: '/stream' });
 * const bridge = bridgeCalls(server, nc, { prefix: 'callstream' });
 * await server.listen();
 */
export function bridgeCalls(
  server: StreamSource,
  nc: NatsConnection,
  options: BridgeOptions = {},
): Bridge {
  return new BridgeImpl(server, nc, options);
}

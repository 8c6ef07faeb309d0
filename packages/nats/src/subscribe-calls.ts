import { hostname } from 'node:os';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { resolveWorkerOptions, type WorkerOptions } from './options.js';
import { RemoteCall } from './remote-call.js';
import { decodeJson, encodeJson, offerSubject } from './wire.js';
import { isOffer } from './wire-parse.js';

/** Counters of one worker subscription. */
export interface WorkerStats {
  /** Offers received. */
  offers: number;
  /** Offers taken. */
  accepted: number;
  /** Offers declined because `maxCalls` calls were active. */
  declined: number;
  /** Offers taken whose edge never attached (it had given up on the offer): dropped. */
  abandoned: number;
  /** Calls handed to the iterator so far. */
  calls: number;
  /** Calls active now. */
  active: number;
  /** Offers that were not readable (ignored). */
  malformed: number;
}

/** The calls of a worker: iterate them; `close()` stops taking new ones. */
export interface CallSubscription extends AsyncIterable<RemoteCall> {
  readonly stats: Readonly<WorkerStats>;
  /** Calls active now, by session. */
  readonly calls: ReadonlyMap<string, RemoteCall>;
  /** Stops taking offers and ends the iterator; active calls go on until they end. */
  close(): Promise<void>;
  /** Stops taking offers and drops the active calls at once (they end here with 1001; their edges re-offer them). */
  abandon(): Promise<void>;
}

class Subscriber implements CallSubscription {
  readonly #nc: NatsConnection;
  readonly #o: ReturnType<typeof resolveWorkerOptions>;
  readonly #sub: Subscription;
  readonly #calls = new Map<string, RemoteCall>();
  readonly #ready: RemoteCall[] = [];
  readonly #stats: WorkerStats = {
    offers: 0,
    accepted: 0,
    declined: 0,
    abandoned: 0,
    calls: 0,
    active: 0,
    malformed: 0,
  };
  #waiter: ((r: IteratorResult<RemoteCall>) => void) | undefined;
  #closed = false;

  constructor(nc: NatsConnection, options: WorkerOptions) {
    this.#nc = nc;
    this.#o = resolveWorkerOptions(options, `${hostname()}-${process.pid}`);
    this.#sub = nc.subscribe(offerSubject(this.#o.prefix), {
      queue: this.#o.queue,
      callback: (err, msg) => {
        if (err === null) this.#offer(msg);
      },
    });
  }

  get stats(): Readonly<WorkerStats> {
    return { ...this.#stats, active: this.#calls.size };
  }

  get calls(): ReadonlyMap<string, RemoteCall> {
    return this.#calls;
  }

  #offer(msg: Msg): void {
    this.#stats.offers++;
    const offer = decodeJson(msg.data);
    if (!isOffer(offer)) {
      this.#stats.malformed++;
      return;
    }
    if (this.#closed) return;
    const o = this.#o;
    if (this.#calls.size >= o.maxCalls) {
      this.#stats.declined++;
      msg.respond(encodeJson({ accept: false, worker: o.workerId }));
      return;
    }
    // Subscribe to the call's subject before answering, so no frame is missed.
    const call = new RemoteCall({
      nc: this.#nc,
      prefix: o.prefix,
      offer,
      logger: o.logger,
      bufferMs: o.bufferMs,
      edgeTimeoutMs: o.edgeTimeoutMs,
      playWindow: o.playWindow,
      maxBufferedMessages: o.maxBufferedMessages,
      onAttach: (c) => {
        clearTimeout(timer);
        this.#stats.calls++;
        c.log.info({ session: c.session, attempt: offer.attempt }, 'call taken from the pool');
        this.#push(c);
      },
      onEnd: (c) => {
        clearTimeout(timer);
        this.#calls.delete(c.session);
      },
    });
    this.#calls.set(offer.session, call);
    this.#stats.accepted++;
    // An edge that gave up on this offer (it timed out) never attaches: drop the call quietly.
    const timer = setTimeout(
      () => {
        this.#stats.abandoned++;
        call.abandon();
      },
      Math.max(o.edgeTimeoutMs, 2_000),
    );
    timer.unref();
    const reply = { accept: true, worker: o.workerId, sampleRate: o.sampleRate };
    void this.#nc
      .flush()
      .then(() => msg.respond(new TextEncoder().encode(JSON.stringify(reply))))
      .catch(() => call.abandon());
  }

  #push(call: RemoteCall): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      call.release();
      waiter({ value: call, done: false });
    } else if (!this.#closed) this.#ready.push(call);
  }

  [Symbol.asyncIterator](): AsyncIterator<RemoteCall> {
    return {
      next: () => {
        const call = this.#ready.shift();
        if (call !== undefined) {
          call.release();
          return Promise.resolve({ value: call, done: false });
        }
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiter = resolve));
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#sub.unsubscribe();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ value: undefined, done: true });
    // Calls taken but not handed out yet have nobody to run them: let their edges re-offer them.
    for (const call of this.#ready.splice(0)) call.abandon();
  }

  async abandon(): Promise<void> {
    await this.close();
    for (const call of [...this.#calls.values()]) call.abandon();
  }
}

/**
 * Takes calls from the pool that `bridgeCalls` edges offer to: joins the NATS queue group
 * `queue` on `<prefix>.offer`, so each call goes to exactly one worker, and yields each call as
 * a {@link RemoteCall}, which implements the same `Call` interface as a local `CallStream`.
 *
 * @example
 * import { connect } from '@nats-io/transport-node';
 * import { subscribeCalls } from '@callstream/nats';
 *
 * const nc = await connect({ servers: 'nats://10.0.0.5:4222', maxReconnectAttempts: -1 });
 * for await (const call of subscribeCalls(nc, { prefix: 'callstream', queue: 'bots' })) {
 *   void bot(call); // the same bot function that runs on a local CallStream
 * }
 */
export function subscribeCalls(nc: NatsConnection, options: WorkerOptions = {}): CallSubscription {
  return new Subscriber(nc, options);
}

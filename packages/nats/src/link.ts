import type { NatsConnection } from '@nats-io/transport-node';

/** Who wants to know when the NATS connection drops and comes back. */
export interface ConnectionListener {
  disconnected(): void;
  reconnected(): void;
  /** The connection is closed for good (closed, drained, or out of reconnect attempts). */
  closed(): void;
}

/** One status loop per connection, shared by every link on it. */
class ConnectionWatch {
  connected = true;
  readonly #listeners = new Set<ConnectionListener>();

  constructor(nc: NatsConnection) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' && this.connected) {
          this.connected = false;
          for (const l of [...this.#listeners]) l.disconnected();
        } else if (status.type === 'reconnect') {
          this.connected = true;
          for (const l of [...this.#listeners]) l.reconnected();
        }
      }
    })().catch(() => {});
    void nc.closed().then(() => {
      for (const l of [...this.#listeners]) l.closed();
    });
  }

  add(listener: ConnectionListener): void {
    this.#listeners.add(listener);
  }

  remove(listener: ConnectionListener): void {
    this.#listeners.delete(listener);
  }
}

const watches = new WeakMap<NatsConnection, ConnectionWatch>();

function watchOf(nc: NatsConnection): ConnectionWatch {
  let watch = watches.get(nc);
  if (watch === undefined) {
    watch = new ConnectionWatch(nc);
    watches.set(nc, watch);
  }
  return watch;
}

/** Counters a link updates (the edge's and the worker's per-call stats). */
export interface LinkCounters {
  /** Audio messages dropped from the outbox because it was full (oldest first). */
  droppedFrames: number;
  /** Other messages dropped from the outbox because it was full (oldest first). */
  droppedMessages: number;
  /** Messages that waited in the outbox (while the peer was not reachable). */
  bufferedMessages: number;
}

export interface LinkOptions {
  subject: string;
  heartbeatMs: number;
  /** No message from the peer within this many ms (while connected) → `onPeerLost`. */
  peerTimeoutMs: number;
  /** Audio messages the outbox holds at most; older ones are dropped first. */
  maxBufferedFrames: number;
  /** Other messages the outbox holds at most. */
  maxBufferedMessages: number;
  counters: LinkCounters;
  /** The heartbeat message of this side. */
  heartbeat: Uint8Array;
  onPeerLost: () => void;
}

interface Entry {
  data: Uint8Array;
  audio: boolean;
}

/**
 * One side of a call's session: publishes to the peer, holds messages in a bounded outbox while
 * the peer is not known to be reachable (before it answered, while NATS reconnects), sends
 * heartbeats and notices a peer that stopped sending.
 *
 * After a reconnect the outbox is flushed only once the peer has been heard again, so that
 * nothing is published before its subscription is back.
 */
export class Link implements ConnectionListener {
  readonly #nc: NatsConnection;
  readonly #o: LinkOptions;
  readonly #watch: ConnectionWatch;
  readonly #outbox: Entry[] = [];
  #audioInOutbox = 0;
  #live = false;
  #closed = false;
  /** The peer's clock runs once it has been heard the first time. */
  #attached = false;
  #lastHeard = performance.now();
  readonly #timer: NodeJS.Timeout;

  constructor(nc: NatsConnection, options: LinkOptions) {
    this.#nc = nc;
    this.#o = options;
    this.#watch = watchOf(nc);
    this.#watch.add(this);
    this.#timer = setInterval(() => this.#tick(), options.heartbeatMs);
    this.#timer.unref();
  }

  /** True while messages go straight to the peer. */
  get live(): boolean {
    return this.#live;
  }

  /** Messages waiting for the peer. */
  get buffered(): number {
    return this.#outbox.length;
  }

  /** The peer is reachable (it answered, or a message of it arrived): flush the outbox. */
  heard(): void {
    this.#lastHeard = performance.now();
    this.#attached = true;
    if (this.#live || this.#closed || !this.#watch.connected) return;
    this.#live = true;
    const outbox = this.#outbox.splice(0);
    this.#audioInOutbox = 0;
    for (const entry of outbox) this.#publish(entry.data);
  }

  send(data: Uint8Array, audio: boolean): void {
    if (this.#closed) return;
    if (this.#live) {
      this.#publish(data);
      return;
    }
    this.#o.counters.bufferedMessages++;
    const outbox = this.#outbox;
    if (audio) {
      if (this.#audioInOutbox >= this.#o.maxBufferedFrames) {
        const i = outbox.findIndex((e) => e.audio);
        outbox.splice(i, 1);
        this.#audioInOutbox--;
        this.#o.counters.droppedFrames++;
      }
      this.#audioInOutbox++;
    } else if (outbox.length - this.#audioInOutbox >= this.#o.maxBufferedMessages) {
      const i = outbox.findIndex((e) => !e.audio);
      outbox.splice(i, 1);
      this.#o.counters.droppedMessages++;
    }
    outbox.push({ data, audio });
  }

  /** Publishes now, whether live or not (the first message of a session, heartbeats). */
  sendNow(data: Uint8Array): void {
    if (!this.#closed) this.#publish(data);
  }

  disconnected(): void {
    this.#live = false;
  }

  reconnected(): void {
    // The peer's silence while we were away says nothing about it: start its clock again.
    this.#lastHeard = performance.now();
    this.sendNow(this.#o.heartbeat);
  }

  /** Our own connection is gone for good: the peer cannot be reached any more. */
  closed(): void {
    if (!this.#closed) this.#o.onPeerLost();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#live = false;
    clearInterval(this.#timer);
    this.#watch.remove(this);
    this.#outbox.length = 0;
    this.#audioInOutbox = 0;
  }

  #tick(): void {
    if (!this.#watch.connected) return;
    this.sendNow(this.#o.heartbeat);
    if (this.#attached && performance.now() - this.#lastHeard > this.#o.peerTimeoutMs)
      this.#o.onPeerLost();
  }

  #publish(data: Uint8Array): void {
    try {
      this.#nc.publish(this.#o.subject, data);
    } catch {
      // The connection is closed or draining: the peer's heartbeat clock decides what happens.
    }
  }
}

/** True while the connection is up (as far as its status events tell). */
export function isConnected(nc: NatsConnection): boolean {
  return watchOf(nc).connected;
}

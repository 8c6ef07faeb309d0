/**
 * The messages of a call that arrive after it attached and before its consumer took it: kept
 * (copied, as NATS reuses its buffers) until {@link HeldMessages.release}, then handed on in
 * order once the consumer's synchronous set-up (listeners, iterators) has run. Bounded: past
 * `limit` the oldest is handed on at once.
 */
export class HeldMessages {
  readonly #limit: number;
  readonly #process: (data: Uint8Array) => void;
  readonly #isClosed: () => boolean;
  #held: Uint8Array[] | undefined;
  #released = false;

  constructor(limit: number, process: (data: Uint8Array) => void, isClosed: () => boolean) {
    this.#limit = limit;
    this.#process = process;
    this.#isClosed = isClosed;
  }

  /** From now on, messages are held (the call has attached). */
  start(): void {
    this.#held = [];
  }

  /** Holds `data` and returns true, or returns false when nothing is held (handle it now). */
  hold(data: Uint8Array): boolean {
    const held = this.#held;
    if (held === undefined) return false;
    held.push(data.slice());
    // Past the limit the oldest is handled now (frames then wait in the iterators' buffers).
    if (held.length > this.#limit) this.#process(held.shift() as Uint8Array);
    return true;
  }

  /** The consumer has the call: what was held is handed on on the next turn, and nothing more is held. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    setImmediate(() => {
      const held = this.#held ?? [];
      this.#held = undefined;
      for (const data of held) {
        if (this.#isClosed()) break;
        this.#process(data);
      }
    });
  }
}

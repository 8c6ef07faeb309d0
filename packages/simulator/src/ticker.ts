/**
 * The call's clock: tick k is due at `start + k * periodMs / speed` on the monotonic clock, so
 * timer lateness never accumulates (each due time is computed from the start, not from the last
 * tick). At speed 0 ticks run back to back in batches, yielding to the event loop between batches
 * so the peer's replies are read while the call races ahead.
 */
import { performance } from 'node:perf_hooks';

/** Ticks run per macrotask at speed 0 (one second of call time at 20 ms). */
const FAST_BATCH = 50;
/** Most late ticks caught up in one macrotask at speed > 0, so a long stall cannot starve I/O. */
const MAX_BURST = 50;

/**
 * Runs `onTick(0)`, `onTick(1)`, ... on a drift-free schedule until {@link stop} is called.
 * Tick 0 runs synchronously in {@link start}.
 *
 * @example
 * const ticker = new Ticker((k) => sendFrame(k), { periodMs: 20, speed: 1 });
 * ticker.start();
 */
export class Ticker {
  readonly periodMs: number;
  readonly speed: number;
  #onTick: (index: number) => void;
  #next = 0;
  #startedAt = 0;
  #running = false;
  #timeout: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;

  constructor(onTick: (index: number) => void, options: { periodMs: number; speed: number }) {
    this.#onTick = onTick;
    this.periodMs = options.periodMs;
    this.speed = options.speed;
  }

  /** Starts the clock; tick 0 runs now. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startedAt = performance.now();
    this.#run();
  }

  /** Stops the clock; no tick runs after this returns (also when called from inside a tick). */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timeout);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timeout = undefined;
    this.#immediate = undefined;
  }

  /** The index of the next tick to run. */
  get nextTick(): number {
    return this.#next;
  }

  #run = (): void => {
    this.#timeout = undefined;
    this.#immediate = undefined;
    if (this.speed === 0) {
      for (let i = 0; i < FAST_BATCH && this.#running; i++) this.#onTick(this.#next++);
      if (this.#running) this.#immediate = setImmediate(this.#run);
      return;
    }
    const interval = this.periodMs / this.speed;
    let ran = 0;
    while (
      this.#running &&
      ran < MAX_BURST &&
      this.#startedAt + this.#next * interval <= performance.now()
    ) {
      this.#onTick(this.#next++);
      ran++;
    }
    if (!this.#running) return;
    const delay = this.#startedAt + this.#next * interval - performance.now();
    // Timers have millisecond resolution: round up so we never wake before the tick is due.
    if (delay <= 0) this.#immediate = setImmediate(this.#run);
    else this.#timeout = setTimeout(this.#run, Math.ceil(delay));
  };
}

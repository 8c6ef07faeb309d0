/**
 * Millisecond values counted in 1 ms bins: exact percentiles at that resolution, O(1) to record,
 * no allocation per value. Values at or above `limitMs` land in the last bin (and still count
 * toward `max`), so a run that falls far behind is visible without an unbounded array.
 */
export class MsHistogram {
  readonly #bins: Uint32Array;
  #count = 0;
  #max = 0;

  constructor(limitMs = 2_000) {
    this.#bins = new Uint32Array(limitMs + 1);
  }

  get count(): number {
    return this.#count;
  }

  get max(): number {
    return this.#max;
  }

  record(ms: number): void {
    // Two clocks read at 1 ms granularity can put an on-time value a hair below zero.
    const bin = ms <= 0 ? 0 : Math.min(Math.floor(ms), this.#bins.length - 1);
    this.#bins[bin]!++;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  /** The smallest whole ms value that at least `p` % of the values do not exceed. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.#count);
    let seen = 0;
    for (let ms = 0; ms < this.#bins.length; ms++) {
      seen += this.#bins[ms]!;
      if (seen >= rank) return ms;
    }
    return this.#bins.length - 1;
  }

  /** How many values were `ms` or more. */
  countAtLeast(ms: number): number {
    let n = 0;
    for (let bin = Math.max(0, Math.floor(ms)); bin < this.#bins.length; bin++)
      n += this.#bins[bin]!;
    return n;
  }

  reset(): void {
    this.#bins.fill(0);
    this.#count = 0;
    this.#max = 0;
  }
}

/**
 * Timing for the pipeline bench: contenders run in interleaved rounds, so a change in machine
 * load (CI neighbours, other processes) hits every contender of a comparison alike, and each
 * result is the median of the rounds. Absolute times vary ±10-15 % between runs; compare the
 * ratios of one run.
 */

/** One way of doing the work; `run(i)` handles input `i` and returns something to keep alive. */
export interface Contender {
  name: string;
  run: (i: number) => unknown;
}

export interface MeasureOptions {
  /** Calls per contender per round. */
  iterations: number;
  /** Measured rounds (the median is reported). */
  rounds: number;
}

let sink = 0;

/** Folds a result into a global, so the optimizer cannot drop the work that produced it. */
function consume(value: unknown): void {
  if (typeof value === 'string') sink ^= value.length;
  else if (ArrayBuffer.isView(value)) sink ^= value.byteLength;
  else if (value !== undefined) sink ^= 1;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median nanoseconds per call of each contender. A warmup round (twice the iterations, not
 * counted) lets the JIT optimize every contender before timing starts.
 */
export function measure(contenders: readonly Contender[], options: MeasureOptions): number[] {
  const { iterations, rounds } = options;
  for (const { run } of contenders) for (let i = 0; i < 2 * iterations; i++) consume(run(i));
  const samples = contenders.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    contenders.forEach(({ run }, c) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) consume(run(i));
      samples[c]!.push(Number(process.hrtime.bigint() - start) / iterations);
    });
  }
  if (sink === 0.5) console.log('unreachable'); // keeps `sink` observable
  return samples.map(median);
}

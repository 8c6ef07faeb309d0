/**
 * The server under real-time load: every variant at every call count, interleaved (a, h, b, ...
 * at one N, `repeat` times over, then the next N) so slow drift of the machine touches all
 * variants alike. The two-way echo pair (d, e) runs at its own call count. A ratio is taken in
 * each run, between points measured next to each other, and reported as the median of the runs.
 */
import { judge, type Verdict } from './capacity.js';
import { BASELINES, TWO_WAY_VARIANTS, type Variant } from './ipc.js';
import { runLoadPoint, type LoadPointResult } from './load-point.js';
import type { BenchOptions } from './options.js';

export interface ServerBenchPoint extends LoadPointResult {
  verdict: Verdict;
}

/** CPU(variant) / CPU(baseline) at the same N, in the same run. */
export interface CpuRatio {
  calls: number;
  variant: Variant;
  baseline: Variant;
  /** The median of {@link runs}. */
  ratio: number;
  /** The ratio in each run, in the order they ran. */
  runs: number[];
  /**
   * True when in some run the variant used {@link SATURATED_PERCENT} or more of a core. Its CPU is
   * then near the most one core gives, less than it might have needed, so the ratio flatters it:
   * it says more about that ceiling than about cost.
   */
  variantSaturated: boolean;
  /**
   * True when in some run the baseline used {@link SATURATED_PERCENT} or more of a core. Its CPU
   * is then at most what it needed, so the ratio can only be too high: an upper bound.
   */
  baselineSaturated: boolean;
}

/** CPU % of a core from which a server counts as saturated (its event loop busy nearly always). */
export const SATURATED_PERCENT = 90;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface ServerBenchResult {
  points: ServerBenchPoint[];
  ratios: CpuRatio[];
}

export async function runServerBench(
  options: BenchOptions,
  profileDir: string | undefined,
  onPoint: (point: ServerBenchPoint) => void,
): Promise<ServerBenchResult> {
  const points: ServerBenchPoint[] = [];
  const ratios: CpuRatio[] = [];
  const inbound = options.variants.filter((v) => !TWO_WAY_VARIANTS.includes(v));
  const twoWay = options.variants.filter((v) => TWO_WAY_VARIANTS.includes(v));
  const rounds: [number, Variant[]][] = [
    ...options.calls.map((calls): [number, Variant[]] => [calls, inbound]),
    ...(twoWay.length > 0 ? [[options.twoWayCalls, twoWay] as [number, Variant[]]] : []),
  ];
  for (const [calls, variants] of rounds) {
    if (variants.length === 0) continue;
    const runs = new Map<string, Omit<CpuRatio, 'calls' | 'ratio'>>();
    for (let run = 0; run < options.repeat; run++) {
      const cpu = new Map<Variant, number>();
      for (const variant of variants) {
        const result = await runLoadPoint({
          variant,
          calls,
          warmupMs: options.warmupMs,
          windowMs: options.windowMs,
          generators: options.generators,
          ...(profileDir === undefined ? {} : { profileDir }),
        });
        const point = { ...result, verdict: judge(result) };
        points.push(point);
        onPoint(point);
        cpu.set(variant, result.server.cpuPercent);
      }
      for (const variant of variants) {
        const x = cpu.get(variant);
        for (const baseline of BASELINES[variant] ?? []) {
          const base = cpu.get(baseline);
          if (x === undefined || base === undefined) continue;
          const key = `${variant}/${baseline}`;
          const entry = runs.get(key) ?? {
            variant,
            baseline,
            runs: [],
            variantSaturated: false,
            baselineSaturated: false,
          };
          entry.runs.push(x / base);
          if (x >= SATURATED_PERCENT) entry.variantSaturated = true;
          if (base >= SATURATED_PERCENT) entry.baselineSaturated = true;
          runs.set(key, entry);
        }
      }
    }
    for (const entry of runs.values()) ratios.push({ calls, ratio: median(entry.runs), ...entry });
  }
  return { points, ratios };
}

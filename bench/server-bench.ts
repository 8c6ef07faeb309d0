/**
 * The server under real-time load: every variant at every call count, interleaved (a, b, c, ...
 * at one N, then the next N) so slow drift of the machine touches all variants alike. The
 * two-way echo pair (d, e) runs at its own call count.
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
  ratio: number;
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
        if (x !== undefined && base !== undefined) {
          ratios.push({ calls, variant, baseline, ratio: x / base });
        }
      }
    }
  }
  return { points, ratios };
}

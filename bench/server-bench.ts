/**
 * The server under real-time load: every variant at every call count, interleaved (a, b, c at
 * one N, then the next N) so slow drift of the machine touches all variants alike.
 */
import { judge, type Verdict } from './capacity.js';
import type { Variant } from './ipc.js';
import { runLoadPoint, type LoadPointResult } from './load-point.js';
import type { BenchOptions } from './options.js';

export interface ServerBenchPoint extends LoadPointResult {
  verdict: Verdict;
}

export interface CpuRatio {
  calls: number;
  /** CPU(b) / CPU(a), when both ran. */
  b: number | undefined;
  /** CPU(c) / CPU(a), when both ran. */
  c: number | undefined;
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
  for (const calls of options.calls) {
    const cpu = new Map<Variant, number>();
    for (const variant of options.variants) {
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
    const a = cpu.get('a');
    const ratio = (v: Variant): number | undefined => {
      const x = cpu.get(v);
      return a === undefined || x === undefined ? undefined : x / a;
    };
    ratios.push({ calls, b: ratio('b'), c: ratio('c') });
  }
  return { points, ratios };
}

/** The tables `pnpm bench` prints, one per section, plus the machine and the targets. */
import type { CapacityResult, Verdict } from './capacity.js';
import { BASELINES, LATE_MS, PLAYS_AUDIO, VARIANT_NAMES } from './ipc.js';
import type { LoadPointResult } from './load-point.js';
import type { MachineInfo } from './machine.js';
import { fixed, integer, kilobytes, megabytes, table } from './markdown.js';
import type { MemoryResult } from './memory.js';
import { RESAMPLER_TARGETS, type ResampleRow } from './resampler-bench.js';
import { SATURATED_PERCENT, type CpuRatio, type ServerBenchResult } from './server-bench.js';

export function machineTable(machine: MachineInfo): string {
  return table(
    ['cpu', 'cores', 'memory', 'os', 'node', 'pinned', 'bufferutil', 'CPU busy at start %', 'date'],
    [
      [
        machine.cpu,
        String(machine.cores),
        `${machine.memoryGiB} GiB`,
        machine.os,
        machine.node,
        machine.pinned ? 'yes (server CPU 0, generators CPU 1+)' : 'no',
        machine.bufferutil ? 'yes' : 'no',
        fixed(machine.busyAtStart),
        machine.date,
      ],
    ],
  );
}

function verdictText(verdict: Verdict): string {
  if (verdict.reasons.length === 0) return 'ok';
  return `${verdict.pass ? 'ok; ' : ''}${verdict.reasons.join('; ')}`;
}

export function serverTable(result: ServerBenchResult): string {
  const ratio = (point: LoadPointResult): string => {
    const baselines = BASELINES[point.variant];
    if (baselines === undefined) return '1.00';
    const shown = baselines.flatMap((baseline) => {
      const r = result.ratios.find(
        (x) => x.calls === point.calls && x.variant === point.variant && x.baseline === baseline,
      );
      if (r === undefined) return [];
      const spread =
        r.runs.length > 1
          ? ` (${Math.min(...r.runs).toFixed(2)}-${Math.max(...r.runs).toFixed(2)}, median of ${r.runs.length})`
          : '';
      return [`${r.ratio.toFixed(2)}${spread} vs (${baseline})`];
    });
    return shown.length === 0 ? '-' : shown.join(', ');
  };
  return table(
    [
      'variant',
      'calls',
      'server CPU % of a core',
      'CPU vs baseline',
      'loop p99 ms',
      'RSS MB',
      'frames',
      'lost',
      'reordered',
      `late ≥${LATE_MS} ms`,
      'late p99 ms',
      'playAudio/s per call (min)',
      'generator CPU %',
      'generator lag p99 ms',
      'other CPU %',
      'verdict',
    ],
    result.points.map((p) => [
      VARIANT_NAMES[p.variant],
      integer(p.calls),
      fixed(p.server.cpuPercent),
      ratio(p),
      fixed(p.server.eventLoopP99Ms),
      megabytes(p.server.rssBytes),
      integer(p.totals.frames),
      integer(p.lost),
      integer(p.totals.reordered),
      integer(p.server.lateFrames),
      String(p.server.lateP99Ms),
      PLAYS_AUDIO.has(p.variant)
        ? `${fixed(p.generator.playAudioRateMean)} (${fixed(p.generator.playAudioRateMin)})`
        : '-',
      fixed(p.generator.cpuPercent),
      String(p.generator.sendLagP99Ms),
      fixed(p.otherCpuPercent),
      verdictText(p.verdict),
    ]),
  );
}

export function capacityTable(results: readonly CapacityResult[]): string {
  return table(
    [
      'variant',
      'calls per core',
      'CPU-bound estimate',
      'first failure',
      'limited by',
      'steps (calls: loop p99 ms, CPU %; ✗ failed, * disturbed)',
    ],
    results.map((r) => [
      VARIANT_NAMES[r.variant],
      integer(r.callsPerCore),
      r.cpuBoundEstimate === undefined ? '-' : integer(r.cpuBoundEstimate),
      r.firstFailure === undefined ? '-' : integer(r.firstFailure),
      r.limitedBy,
      r.steps
        .map(
          (s) =>
            `${s.calls}: ${fixed(s.point.server.eventLoopP99Ms)}, ${fixed(s.point.server.cpuPercent, 0)}` +
            `${s.verdict.pass ? '' : ' ✗'}${s.verdict.disturbed ? '*' : ''}`,
        )
        .join('; '),
    ]),
  );
}

export function memoryTable(results: readonly MemoryResult[]): string {
  return table(
    [
      'variant',
      'calls',
      'idle: heap+external per stream',
      'idle: RSS per stream',
      'active: heap+external per stream',
      'active: RSS per stream',
    ],
    results.map((r) => [
      VARIANT_NAMES[r.variant],
      integer(r.calls),
      kilobytes(r.idlePerStream.heap),
      kilobytes(r.idlePerStream.rss),
      kilobytes(r.activePerStream.heap),
      kilobytes(r.activePerStream.rss),
    ]),
  );
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

/** A ratio's median, each run's ratio when there were several, and what a saturated server means. */
function withRuns(r: CpuRatio): string {
  const runs = r.runs.length < 2 ? '' : ` (runs: ${r.runs.map((x) => fixed(x, 2)).join(', ')})`;
  const saturated = r.variantSaturated
    ? `; (${r.variant}) reached ${SATURATED_PERCENT} % of its core, so this ratio is capped, not measured`
    : r.baselineSaturated
      ? `; only the baseline (${r.baseline}) reached ${SATURATED_PERCENT} % of its core, so this ratio is an upper bound`
      : '';
  return `${fixed(r.ratio, 2)}${runs}${saturated}`;
}

/**
 * Whether a ratio is at most 1.00. Unknown when the variant was saturated (its CPU capped by the
 * core, the ratio too low). When only the baseline was, the ratio can only be too high: at most
 * 1.00 is then met, above it unknown.
 */
export function atMostOne(r: CpuRatio): boolean | undefined {
  if (r.variantSaturated) return undefined;
  if (r.ratio <= 1) return true;
  return r.baselineSaturated ? undefined : false;
}

/** The targets against what this run measured (undefined: not measured in this run). */
export function checkTargets(
  server: ServerBenchResult | undefined,
  capacity: readonly CapacityResult[],
  memory: readonly MemoryResult[],
  resampler: readonly ResampleRow[],
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratiosOf = (variant: string, baseline?: string) =>
    server?.ratios.filter(
      (r) => r.variant === variant && (baseline === undefined || r.baseline === baseline),
    ) ?? [];
  const handWritten = ratiosOf('b', 'h');
  const target = handWritten.find((r) => r.calls === 1000) ?? handWritten.at(-1);
  if (target !== undefined) {
    checks.push({
      target: `CPU(b)/CPU(h) ≤ 1.00 at 1000 calls, inbound vs hand-written ws + JSON.parse + base64 + mu-law table (measured at ${target.calls})`,
      measured: withRuns(target),
      met: atMostOne(target),
    });
  }
  // The same pair at each other call count where (b) kept below saturation.
  for (const r of handWritten) {
    if (r === target || r.variantSaturated) continue;
    checks.push({
      target: `CPU(b)/CPU(h) ≤ 1.00 at ${r.calls} calls`,
      measured: withRuns(r),
      met: atMostOne(r),
    });
  }
  const inbound = ratiosOf('b', 'a');
  const at = inbound.find((r) => r.calls === 1000) ?? inbound.at(-1);
  if (at !== undefined) {
    checks.push({
      target: `CPU(b)/CPU(a) ≤ 1.00 at 1000 calls, vs the floor without PCM (measured at ${at.calls})`,
      measured: withRuns(at),
      met: atMostOne(at),
    });
    const worst = Math.max(...inbound.map((r) => r.ratio));
    checks.push({
      target: 'CPU(b)/CPU(a) never above 1.15',
      measured: fixed(worst, 2),
      met: worst <= 1.15,
    });
  }
  for (const [variant, baseline, what, calls] of [
    ['e', 'd', 'two-way, each call streaming its reply, vs the hand-written echo', 400],
    ['f', 'g', 'transcription at 16 kHz, vs hand-written with speexdsp', 1000],
  ] as const) {
    const ratios = ratiosOf(variant);
    const r = ratios.find((x) => x.calls === calls) ?? ratios.at(-1);
    if (r === undefined) continue;
    checks.push({
      target: `CPU(${variant})/CPU(${baseline}) ≤ 1.00 at ${calls} calls, ${what} (measured at ${r.calls})`,
      measured: withRuns(r),
      met: atMostOne(r),
    });
  }
  for (const [variant, goal, what] of [
    ['b', 2000, 'inbound'],
    ['c', 800, 'two-way'],
  ] as const) {
    const r = capacity.find((x) => x.variant === variant);
    if (r === undefined) continue;
    // A ramp that stopped at its maximum below the goal (--quick) has not measured the capacity.
    const capped = r.firstFailure === undefined && r.callsPerCore < goal;
    checks.push({
      target: `capacity (${variant}) ≥ ${goal} ${what} calls per core, loop p99 < 20 ms`,
      measured: `${capped ? '≥ ' : ''}${integer(r.callsPerCore)}`,
      met: capped ? undefined : r.callsPerCore >= goal,
    });
  }
  const idle = memory.find((m) => m.variant === 'b');
  if (idle !== undefined) {
    checks.push({
      target: 'memory per idle stream (b) ≤ 16 KB (heap + external)',
      measured: kilobytes(idle.idlePerStream.heap),
      met: idle.idlePerStream.heap <= 16 * 1024,
    });
  }
  if (resampler.length > 0) {
    const { maxSpeedRatio, minAliasRejectionDb, maxThdPlusNoiseDb } = RESAMPLER_TARGETS;
    const pair = (r: ResampleRow): string => `${r.fromRate / 1000}k → ${r.toRate / 1000}k`;
    const worst = (key: (r: ResampleRow) => number): ResampleRow =>
      resampler.reduce((a, b) => (key(b) > key(a) ? b : a));
    const slowest = worst((r) => r.ratio);
    checks.push({
      target: `resampler ≤ ${maxSpeedRatio.toFixed(1)}× speexdsp (wasm SIMD, quality 5) per 20 ms frame, every pair of 8/16/24/48 kHz`,
      measured: `${slowest.ratio.toFixed(2)}× at worst (${pair(slowest)})`,
      met: slowest.ratio <= maxSpeedRatio,
    });
    const rejection = (r: ResampleRow): number =>
      Math.min(r.quality.wasm.rejectionDb, r.quality.js.rejectionDb);
    for (const [kind, label] of [
      ['alias', 'alias rejection, downsampling pairs'],
      ['image', 'image rejection, upsampling pairs'],
    ] as const) {
      const rows = resampler.filter((r) => r.quality.wasm.rejection === kind);
      if (rows.length === 0) continue;
      const least = rows.reduce((a, b) => (rejection(b) < rejection(a) ? b : a));
      checks.push({
        target: `resampler ${label}, ≥ ${minAliasRejectionDb} dB`,
        measured: `${rejection(least).toFixed(1)} dB at worst (${pair(least)})`,
        met: rejection(least) >= minAliasRejectionDb,
      });
    }
    const thd = (r: ResampleRow): number =>
      Math.max(r.quality.wasm.thdPlusNoiseDb, r.quality.js.thdPlusNoiseDb);
    const noisiest = worst(thd);
    checks.push({
      target: `resampler THD+N ≤ ${maxThdPlusNoiseDb} dB at 0.85 × Nyquist, every pair`,
      measured: `${thd(noisiest).toFixed(1)} dB at worst (${pair(noisiest)})`,
      met: thd(noisiest) <= maxThdPlusNoiseDb,
    });
  }
  // Points that met the real-time criteria otherwise: none of them may lose or reorder a frame.
  const points = [
    ...(server?.points ?? []),
    ...capacity.flatMap((r) => r.steps.map((s) => ({ ...s.point, verdict: s.verdict }))),
  ].filter(
    (p) => p.server.eventLoopP99Ms <= 20 && p.server.lateFrames === 0 && !p.verdict.generatorBound,
  );
  if (points.length > 0) {
    const bad = points.reduce((n, p) => n + p.lost + p.totals.gaps + p.totals.reordered, 0);
    checks.push({
      target: 'no frame lost or reordered below capacity',
      measured: `${bad} in ${points.length} load points`,
      met: bad === 0,
    });
  }
  return checks;
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  return table(
    ['target', 'measured', 'met'],
    checks.map((c) => [c.target, c.measured, c.met === undefined ? '-' : c.met ? 'yes' : 'NO']),
  );
}

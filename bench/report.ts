/** The tables `pnpm bench` prints, one per section, plus the machine and the targets. */
import type { CapacityResult, Verdict } from './capacity.js';
import { LATE_MS, VARIANT_NAMES } from './ipc.js';
import type { LoadPointResult } from './load-point.js';
import type { MachineInfo } from './machine.js';
import { fixed, integer, kilobytes, megabytes, table } from './markdown.js';
import type { MemoryResult } from './memory.js';
import type { ServerBenchResult } from './server-bench.js';

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
    const r = result.ratios.find((x) => x.calls === point.calls);
    if (point.variant === 'a') return '1.00';
    return fixed(point.variant === 'b' ? r?.b : r?.c, 2);
  };
  return table(
    [
      'variant',
      'calls',
      'server CPU % of a core',
      'CPU vs (a)',
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
      p.variant === 'c'
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

/** The targets against what this run measured (undefined: not measured in this run). */
export function checkTargets(
  server: ServerBenchResult | undefined,
  capacity: readonly CapacityResult[],
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratios = server?.ratios.filter((r) => r.b !== undefined) ?? [];
  const at = ratios.find((r) => r.calls === 1000) ?? ratios.at(-1);
  if (at?.b !== undefined) {
    checks.push({
      target: `CPU(b)/CPU(a) ≤ 1.00 at 1000 calls (measured at ${at.calls})`,
      measured: fixed(at.b, 2),
      met: at.b <= 1,
    });
    const worst = Math.max(...ratios.map((r) => r.b ?? 0));
    checks.push({
      target: 'CPU(b)/CPU(a) never above 1.15',
      measured: fixed(worst, 2),
      met: worst <= 1.15,
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

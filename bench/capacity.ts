/**
 * Capacity: ramps the number of real-time calls on one variant until a load point fails, then
 * bisects between the last pass and the first failure. The server process is pinned to one CPU
 * and runs JavaScript on one thread, so the last passing N is its calls per core.
 */
import { runLoadPoint, type LoadPointOptions, type LoadPointResult } from './load-point.js';
import { PLAYS_AUDIO, type Variant } from './ipc.js';
import type { CapacityOptions } from './options.js';

/** A load point passes with event-loop p99 at or under this. */
export const MAX_EVENT_LOOP_P99_MS = 20;
/** Other processes taking more than this (% of a core) in a window disturb the measurement. */
export const MAX_OTHER_CPU_PERCENT = 15;
/** (c), (d), (e) pass when every call received at least this share of 50 playAudio messages a second. */
const MIN_PLAY_AUDIO_SHARE = 0.95;

export interface Verdict {
  /** The server met every criterion and the generator kept up. */
  pass: boolean;
  /** Why it failed (the server's own failures first), and whether it was disturbed. */
  reasons: string[];
  /** The server itself missed a criterion (with a generator behind, late frames may be its fault). */
  serverFailed: boolean;
  /** The generator fell behind: the point cannot show whether the server would have kept up. */
  generatorBound: boolean;
  /** Other processes on the machine took CPU in the window: the numbers are not clean. */
  disturbed: boolean;
}

/** Judges a load point against the real-time criteria of the issue. */
export function judge(point: LoadPointResult): Verdict {
  const reasons: string[] = [];
  const { server, generator, totals } = point;
  if (server.eventLoopP99Ms > MAX_EVENT_LOOP_P99_MS) {
    reasons.push(`event-loop p99 ${server.eventLoopP99Ms.toFixed(1)} ms`);
  }
  if (server.lateFrames > 0) reasons.push(`${server.lateFrames} late frames`);
  if (point.lost > 0) reasons.push(`${point.lost} frames lost`);
  if (totals.gaps > 0) reasons.push(`${totals.gaps} chunk gaps`);
  if (totals.reordered > 0) reasons.push(`${totals.reordered} frames reordered`);
  if (totals.errors > 0) reasons.push(`${totals.errors} errors`);
  if (point.failedCalls > 0) reasons.push(`${point.failedCalls} calls failed to connect`);
  if (PLAYS_AUDIO.has(point.variant) && generator.playAudioRateMin < 50 * MIN_PLAY_AUDIO_SHARE) {
    reasons.push(`playAudio ${generator.playAudioRateMin.toFixed(1)}/s on the slowest call`);
  }
  const serverFailed = reasons.length > 0;
  const generatorBound = generator.lateSends > 0 || generator.sendLagP99Ms > MAX_EVENT_LOOP_P99_MS;
  if (generatorBound) {
    reasons.push(`generator behind (send lag p99 ${generator.sendLagP99Ms} ms)`);
  }
  const other = point.otherCpuPercent ?? 0;
  const disturbed = other > MAX_OTHER_CPU_PERCENT;
  if (disturbed) reasons.push(`disturbed: other processes used ${other.toFixed(0)} % CPU`);
  return {
    pass: !serverFailed && !generatorBound,
    reasons,
    serverFailed,
    generatorBound,
    disturbed,
  };
}

export interface CapacityStep {
  calls: number;
  verdict: Verdict;
  point: LoadPointResult;
}

export interface CapacityResult {
  variant: Variant;
  /** The most calls that passed (0 if none did). */
  callsPerCore: number;
  /** The fewest calls that failed, if any did below `maxCalls`. */
  firstFailure: number | undefined;
  /** What stopped the ramp: the failing step's reasons. */
  limitedBy: string;
  /**
   * Calls at 100 % of the core, extrapolated from CPU use at the last passing step: an upper
   * bound, useful where the generator gives out before the server does.
   */
  cpuBoundEstimate: number | undefined;
  steps: CapacityStep[];
}

export async function runCapacity(
  variant: Variant,
  options: CapacityOptions,
  generators: number,
  onStep: (step: CapacityStep) => void,
  /** Measures one load point (a real one unless a test gives another). */
  loadPoint: (options: LoadPointOptions) => Promise<LoadPointResult> = runLoadPoint,
): Promise<CapacityResult> {
  const steps: CapacityStep[] = [];
  const measure = async (calls: number): Promise<CapacityStep> => {
    const point = await loadPoint({
      variant,
      calls,
      warmupMs: options.warmupMs,
      windowMs: options.windowMs,
      generators,
    });
    const step = { calls, verdict: judge(point), point };
    steps.push(step);
    onStep(step);
    return step;
  };
  // A failure while something else loaded the machine says little: measure that step again.
  const run = async (calls: number): Promise<CapacityStep> => {
    const step = await measure(calls);
    return !step.verdict.pass && step.verdict.disturbed ? measure(calls) : step;
  };

  let pass = 0;
  let fail: CapacityStep | undefined;
  for (
    let calls = options.start;
    calls <= options.maxCalls;
    calls = Math.round(calls * options.factor)
  ) {
    const step = await run(calls);
    if (!step.verdict.pass) {
      fail = step;
      break;
    }
    pass = calls;
  }
  // Narrow down between the last pass and the failure unless the machine was busy. A failure
  // where the generator fell behind says nothing about the server at that N, but the points in
  // between are measured and judged like any other: a pass needs the generator on time too.
  const narrow = (): boolean => fail !== undefined && !fail.verdict.disturbed;
  // Down from the start if even the first step failed.
  while (pass === 0 && narrow() && fail!.calls > 50) {
    const step = await run(Math.round(fail!.calls / (options.factor * options.factor)));
    if (step.verdict.pass) pass = step.calls;
    else fail = step;
  }
  for (let i = 0; i < options.refine && narrow() && fail!.calls - pass > 20; i++) {
    const step = await run(Math.round((pass + fail!.calls) / 2));
    if (step.verdict.pass) pass = step.calls;
    else fail = step;
  }
  const lastPass = steps.find((s) => s.calls === pass && s.verdict.pass);
  return {
    variant,
    callsPerCore: pass,
    cpuBoundEstimate:
      lastPass === undefined
        ? undefined
        : Math.round((pass * 100) / lastPass.point.server.cpuPercent),
    firstFailure: fail?.calls,
    limitedBy:
      fail === undefined
        ? `not reached (max ${options.maxCalls})`
        : fail.verdict.reasons.join('; '),
    steps,
  };
}

/**
 * Capacity: ramps the number of real-time calls on one variant until a load point fails, then
 * bisects between the last pass and the first failure. The server process is pinned to one CPU
 * and runs JavaScript on one thread, so the last passing N is its calls per core.
 */
import { runLoadPoint, type LoadPointResult } from './load-point.js';
import type { Variant } from './ipc.js';
import type { CapacityOptions } from './options.js';

/** A load point passes with event-loop p99 at or under this. */
export const MAX_EVENT_LOOP_P99_MS = 20;
/** (c) passes when every call received at least this share of 50 playAudio messages a second. */
const MIN_PLAY_AUDIO_SHARE = 0.95;

export interface Verdict {
  pass: boolean;
  /** Why it failed: the server's own failures first, then the generator's. */
  reasons: string[];
  /** The generator, not the server, fell behind (the point says nothing about the server). */
  generatorBound: boolean;
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
  if (point.variant === 'c' && generator.playAudioRateMin < 50 * MIN_PLAY_AUDIO_SHARE) {
    reasons.push(`playAudio ${generator.playAudioRateMin.toFixed(1)}/s on the slowest call`);
  }
  const generatorBound = generator.lateSends > 0 || generator.sendLagP99Ms > MAX_EVENT_LOOP_P99_MS;
  if (generatorBound) {
    reasons.push(`generator behind (send lag p99 ${generator.sendLagP99Ms} ms)`);
  }
  return { pass: reasons.length === 0, reasons, generatorBound };
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
  steps: CapacityStep[];
}

export async function runCapacity(
  variant: Variant,
  options: CapacityOptions,
  onStep: (step: CapacityStep) => void,
): Promise<CapacityResult> {
  const steps: CapacityStep[] = [];
  const run = async (calls: number): Promise<CapacityStep> => {
    const point = await runLoadPoint({
      variant,
      calls,
      warmupMs: options.warmupMs,
      windowMs: options.windowMs,
    });
    const step = { calls, verdict: judge(point), point };
    steps.push(step);
    onStep(step);
    return step;
  };

  let pass = 0;
  let fail: CapacityStep | undefined;
  // Up while it passes; down (from the start) if even the first step fails.
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
  while (pass === 0 && fail !== undefined && fail.calls > 50) {
    const step = await run(Math.round(fail.calls / (options.factor * options.factor)));
    if (step.verdict.pass) pass = step.calls;
    else fail = step;
  }
  for (let i = 0; i < options.refine && fail !== undefined && fail.calls - pass > 20; i++) {
    const step = await run(Math.round((pass + fail.calls) / 2));
    if (step.verdict.pass) pass = step.calls;
    else fail = step;
  }
  return {
    variant,
    callsPerCore: pass,
    firstFailure: fail?.calls,
    limitedBy:
      fail === undefined
        ? `not reached (max ${options.maxCalls})`
        : fail.verdict.reasons.join('; '),
    steps,
  };
}

/**
 * What `callstream-sim` prints: the live progress line, the summary and the `--json` object.
 */
import type { CallProgress, SimulatedCallResult } from './options.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** One progress line (no newline): elapsed call time, frames, audio heard, checkpoints. */
export function progressLine(p: CallProgress): string {
  const parts = [
    seconds(p.elapsedMs),
    `frames ${p.framesSent}`,
    `heard ${seconds(p.heardMs)}`,
    `checkpoints ${p.checkpoints}`,
  ];
  if (p.queuedMs > 0) parts.push(`queued ${seconds(p.queuedMs)}`);
  if (p.cleared > 0) parts.push(`cleared ${p.cleared}`);
  if (p.violations > 0) parts.push(`violations ${p.violations}`);
  return parts.join('  ');
}

/** Files the CLI wrote: the `--record` WAV and the `--report` HTML page. */
export interface CliOutputs {
  record?: string | undefined;
  report?: string | undefined;
}

/** The human-readable summary printed at the end of a call. */
export function summary(url: string, result: SimulatedCallResult, files: CliOutputs = {}): string {
  const { close, checkpoints, violations } = result;
  const lines = [
    `call ${result.callId} (stream ${result.streamId}) to ${url}`,
    `  duration     ${seconds(result.durationMs)} of call time, closed by the ${close.by} (${close.code}${close.reason ? ` ${close.reason}` : ''})`,
    `  sent         ${result.framesSent} media frames, ${result.dtmfSent} dtmf`,
    `  heard        ${seconds(result.playedMs)} of server audio`,
    `  checkpoints  ${checkpoints.length === 0 ? 'none' : checkpoints.map((c) => `${c.name} @ ${seconds(c.atMs)}`).join(', ')}`,
    `  cleared      ${result.cleared}`,
  ];
  if (result.dtmfReceived.length > 0) {
    lines.push(`  sendDTMF     ${result.dtmfReceived.join(', ')}`);
  }
  if (files.record !== undefined) lines.push(`  recorded     ${files.record}`);
  if (files.report !== undefined) lines.push(`  report       ${files.report}`);
  if (violations.length === 0) {
    lines.push('  violations   none');
  } else {
    lines.push(`  violations   ${violations.length}`);
    for (const v of violations) lines.push(`    at ${seconds(v.atMs)}  ${v.code}: ${v.message}`);
  }
  return lines.join('\n') + '\n';
}

/** The `--json` object: the result without the samples of `heard` and `said`. */
export function jsonReport(
  url: string,
  result: SimulatedCallResult,
  files: CliOutputs = {},
): string {
  const { heard: _heard, said: _said, ...rest } = result;
  return (
    JSON.stringify({
      url,
      ...rest,
      record: files.record ?? null,
      report: files.report ?? null,
      ok: result.violations.length === 0,
    }) + '\n'
  );
}

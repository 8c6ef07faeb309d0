/**
 * What `callstream-sim --answer-url` prints: the call (answer, problems, callbacks, how it ended)
 * and each stream with the summary of a direct call.
 */
import type { FakeCallResult } from './platform/fake-call.js';
import type { CallbackExchange } from './platform/fake-stream.js';
import { summary } from './cli-report.js';
import type { CliOutputs } from './cli-report.js';

function callbackLine(callbacks: readonly CallbackExchange[]): string {
  if (callbacks.length === 0) return 'none';
  return callbacks
    .map((c) => `${c.event} ${c.response ? `→ ${c.response.status}` : `failed (${c.error})`}`)
    .join(', ');
}

/** Index of the first stream that connected: the one `--record` and `--report` write. */
export function firstHeard(result: FakeCallResult): number {
  return result.streams.findIndex((s) => s.result !== undefined);
}

/** The human-readable summary of a call placed from an answer URL. */
export function answerCallSummary(
  answerUrl: string,
  result: FakeCallResult,
  callbacks: readonly CallbackExchange[],
  files: CliOutputs = {},
): string {
  const status = result.answer?.response?.status;
  const lines = [
    `call ${result.callUuid} from ${result.from} to ${result.to}, answer URL ${answerUrl}`,
    `  answer       ${status === undefined ? 'no response' : `HTTP ${status}`}`,
    `  ended        ${result.end}`,
    `  callbacks    ${callbackLine(callbacks)}`,
  ];
  if (result.problems.length === 0) lines.push('  problems     none');
  else {
    lines.push(`  problems     ${result.problems.length}`);
    for (const p of result.problems) lines.push(`    ${p.code}: ${p.message}`);
  }
  const out = [lines.join('\n') + '\n'];
  result.streams.forEach((stream, i) => {
    const head = `stream ${i + 1} of ${result.streams.length} (${stream.source}, ended: ${stream.end}, ${stream.attempts} attempt${stream.attempts === 1 ? '' : 's'})`;
    if (stream.result === undefined) {
      out.push(
        `${head}\n  ${stream.serviceUrl}: never connected${stream.error ? `: ${stream.error}` : ''}\n`,
      );
    } else {
      out.push(
        `${head}\n${summary(stream.serviceUrl, stream.result, i === firstHeard(result) ? files : {})}`,
      );
    }
  });
  return out.join('');
}

/** The `--json` object of a call placed from an answer URL: results without the samples. */
export function answerCallJson(
  answerUrl: string,
  result: FakeCallResult,
  callbacks: readonly CallbackExchange[],
  files: CliOutputs = {},
): string {
  const streams = result.streams.map(({ result: simulated, ...stream }) => {
    if (simulated === undefined) return stream;
    const { heard: _heard, ...rest } = simulated;
    return { ...stream, result: rest };
  });
  return (
    JSON.stringify({
      answerUrl,
      callUuid: result.callUuid,
      from: result.from,
      to: result.to,
      end: result.end,
      answerStatus: result.answer?.response?.status ?? null,
      problems: result.problems,
      streams,
      callbacks: callbacks.map((c) => ({
        event: c.event,
        url: c.url,
        status: c.response?.status ?? null,
        error: c.error ?? null,
      })),
      record: files.record ?? null,
      report: files.report ?? null,
      ok: answerCallExit(result) === 0,
    }) + '\n'
  );
}

/** 2 unreachable answer URL, unreadable audio or a stream that never connected; 1 problems or violations; else 0. */
export function answerCallExit(result: FakeCallResult): 0 | 1 | 2 {
  const unreachable = result.problems.some(
    (p) => p.code === 'answer-unreachable' || p.code === 'caller-audio',
  );
  if (unreachable || result.streams.some((s) => s.end === 'failed')) return 2;
  const violations = result.streams.some((s) => (s.result?.violations.length ?? 0) > 0);
  return result.problems.length > 0 || violations ? 1 : 0;
}

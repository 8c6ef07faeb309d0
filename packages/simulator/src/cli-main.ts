/**
 * `callstream-sim` as a function, so it can be tested in-process: parse the arguments, place the
 * call, show progress, write the recording, print the summary, return the exit status.
 */
import { writeFile } from 'node:fs/promises';
import { encodeWav } from '@callstream/core';
import { HELP, UsageError, parseCliArgs } from './cli-args.js';
import { renderCallReport } from './call-report.js';
import { jsonReport, progressLine, summary } from './cli-report.js';
import type { SimulatedCallResult } from './options.js';
import { simulateCall } from './simulate-call.js';
import { runAnswerCall } from './cli-answer-call.js';
import { runPlatform } from './cli-platform.js';

/** Where the CLI writes, and how it is interrupted. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** When aborted (Ctrl-C), the call hangs up and the summary is printed. */
  signal?: AbortSignal;
}

/** Exit statuses of `callstream-sim`. */
export const EXIT = { ok: 0, violations: 1, failure: 2 } as const;

const PROGRESS_EVERY_MS = 100;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `callstream-sim` with `argv` (the arguments after the program name) and resolves with the
 * exit status: 0 clean call, 1 protocol violations, 2 connection failure or usage error.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const fail = (text: string, hint = ''): number => {
    io.stderr.write(`callstream-sim: ${text}\n${hint}`);
    return EXIT.failure;
  };
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return fail(err.message, 'Run callstream-sim --help for the options.\n');
  }
  if (command.kind === 'help') {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (command.kind === 'platform') return runPlatform(command, io);
  if (command.kind === 'answer-call') return runAnswerCall(command, io);
  const { options, record, report, json, quiet } = command;

  let call;
  try {
    call = simulateCall(options);
  } catch (err) {
    return fail(message(err));
  }

  const showProgress = !json && !quiet && io.stderr.isTTY === true;
  let lastDraw = 0;
  if (showProgress) {
    call.on('progress', (progress) => {
      const now = Date.now();
      if (now - lastDraw < PROGRESS_EVERY_MS) return;
      lastDraw = now;
      io.stderr.write(`\r${progressLine(progress)}\x1b[K`);
    });
  }
  const onAbort = (): void => void call.hangup();
  if (io.signal?.aborted) onAbort();
  io.signal?.addEventListener('abort', onAbort, { once: true });

  let result: SimulatedCallResult;
  try {
    result = await call.done;
  } catch (err) {
    return fail(message(err));
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    if (showProgress && lastDraw > 0) io.stderr.write('\r\x1b[K');
  }

  if (record !== undefined) {
    try {
      await writeFile(record, encodeWav(result.heard, result.sampleRate));
    } catch (err) {
      return fail(`could not write the recording: ${message(err)}`);
    }
  }
  if (report !== undefined) {
    try {
      await writeFile(report, renderCallReport(result));
    } catch (err) {
      return fail(`could not write the report: ${message(err)}`);
    }
  }
  io.stdout.write(
    json
      ? jsonReport(options.url, result, { record, report })
      : summary(options.url, result, { record, report }),
  );
  if (result.violations.length > 0) {
    io.stderr.write(
      `callstream-sim: the server broke the protocol ${result.violations.length} time(s)` +
        (json ? ' (see "violations")\n' : ' (listed above)\n'),
    );
    return EXIT.violations;
  }
  return EXIT.ok;
}

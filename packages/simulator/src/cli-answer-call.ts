/**
 * `callstream-sim --answer-url`: a fake platform for one call. The call's answer URL is requested
 * as the platform does, its `<Stream>`s are followed, and the result is printed like a direct
 * call's, with the answer, the callbacks and each stream.
 */
import { writeFile } from 'node:fs/promises';
import { encodeWav } from '@callstream/core';
import type { CliIo } from './cli-main.js';
import { renderCallReport } from './call-report.js';
import {
  answerCallExit,
  answerCallJson,
  answerCallSummary,
  firstHeard,
} from './cli-call-report.js';
import type { AnswerCallCommand } from './cli-platform-args.js';
import { progressLine } from './cli-report.js';
import { startFakePlatform } from './platform/fake-platform.js';
import type { FakeCallResult } from './platform/fake-call.js';

const PROGRESS_EVERY_MS = 100;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function runAnswerCall(command: AnswerCallCommand, io: CliIo): Promise<number> {
  const fail = (text: string): number => {
    io.stderr.write(`callstream-sim: ${text}\n`);
    return 2;
  };
  let fake;
  try {
    fake = await startFakePlatform(command.platform);
  } catch (err) {
    return fail(message(err));
  }
  let result: FakeCallResult;
  const showProgress = !command.json && !command.quiet && io.stderr.isTTY === true;
  let lastDraw = 0;
  try {
    const call = fake.createCall(command.call);
    if (showProgress) {
      call.on('stream', (_stream, simulated) => {
        simulated.on('progress', (progress) => {
          const now = Date.now();
          if (now - lastDraw < PROGRESS_EVERY_MS) return;
          lastDraw = now;
          io.stderr.write(`\r${progressLine(progress)}\x1b[K`);
        });
      });
    }
    const onAbort = (): void => call.hangup('caller-hangup');
    if (io.signal?.aborted) onAbort();
    io.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      result = await call.done;
    } finally {
      io.signal?.removeEventListener('abort', onAbort);
      if (showProgress && lastDraw > 0) io.stderr.write('\r\x1b[K');
    }
  } catch (err) {
    await fake.close();
    return fail(message(err));
  }
  const callbacks = [...fake.callbacks];
  await fake.close();

  const { record, report, json } = command;
  const heard = result.streams[firstHeard(result)]?.result;
  if (heard !== undefined) {
    try {
      if (record !== undefined) await writeFile(record, encodeWav(heard.heard, heard.sampleRate));
    } catch (err) {
      return fail(`could not write the recording: ${message(err)}`);
    }
    try {
      if (report !== undefined) await writeFile(report, renderCallReport(heard));
    } catch (err) {
      return fail(`could not write the report: ${message(err)}`);
    }
  }
  const written = heard === undefined ? {} : { record, report };
  const url = command.call.answerUrl;
  io.stdout.write(
    json
      ? answerCallJson(url, result, callbacks, written)
      : answerCallSummary(url, result, callbacks, written),
  );
  const code = answerCallExit(result);
  if (code === 1) {
    io.stderr.write(
      `callstream-sim: the app broke the protocol or answered XML with problems` +
        (json ? ' (see "problems" and "violations")\n' : ' (listed above)\n'),
    );
  } else if (code === 2) {
    io.stderr.write('callstream-sim: the call could not reach the app (listed above)\n');
  }
  return code;
}

/**
 * The two `callstream-sim` modes built on the fake platform: a call placed from an answer URL
 * (`--answer-url`), and the long-lived local platform (`callstream-sim platform`).
 */
import type { Dialect } from './options.js';
import type { CreateCallOptions } from './platform/fake-call.js';
import type { StartFakePlatformOptions } from './platform/platform-options.js';
import { UsageError, number, oneOf, parseDtmf } from './cli-values.js';

/** `--answer-url`: a fake platform for one call, whose streams come from the answer XML. */
export interface AnswerCallCommand {
  kind: 'answer-call';
  platform: StartFakePlatformOptions;
  call: CreateCallOptions & { answerUrl: string };
  record: string | undefined;
  report: string | undefined;
  json: boolean;
  quiet: boolean;
}

/** `platform`: a fake platform serving the REST API until interrupted. */
export interface PlatformCommand {
  kind: 'platform';
  platform: StartFakePlatformOptions;
  /** Place one live call at start. */
  call: boolean;
}

type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** Flags whose value the answer XML decides. */
const FROM_XML = ['format', 'tracks', 'extra-headers', 'header', 'no-stop', 'stream-id'];
const PLATFORM_FLAGS = new Set([
  'dialect',
  'auth-id',
  'auth-token',
  'speed',
  'host',
  'port',
  'call',
]);

const str = (values: Values, flag: string): string | undefined => {
  const v = values[flag];
  return typeof v === 'string' ? v : undefined;
};

function given(values: Values, flag: string): boolean {
  const v = values[flag];
  return v !== undefined && !(Array.isArray(v) && v.length === 0);
}

function platformOptions(values: Values): StartFakePlatformOptions {
  const options: StartFakePlatformOptions = {
    platform: oneOf<Dialect>(
      { plivo: 'plivo', vobiz: 'vobiz' },
      str(values, 'dialect'),
      '--dialect',
    ),
    authId: str(values, 'auth-id'),
    authToken: str(values, 'auth-token'),
    speed: number(str(values, 'speed'), '--speed'),
  };
  return withoutUndefined(options);
}

function withoutUndefined<T extends object>(options: T): T {
  for (const key of Object.keys(options) as (keyof T)[]) {
    if (options[key] === undefined) delete options[key];
  }
  return options;
}

export function answerCallCommand(
  values: Values,
  positionals: readonly string[],
): AnswerCallCommand {
  if (positionals.length > 0) {
    throw new UsageError(
      `--answer-url places the call: no WebSocket URL, got ${positionals.join(' ')}`,
    );
  }
  for (const flag of [...FROM_XML, 'host', 'port', 'call']) {
    if (given(values, flag)) {
      throw new UsageError(
        FROM_XML.includes(flag)
          ? `--${flag} comes from the answer XML; it cannot be used with --answer-url`
          : `--${flag} is an option of callstream-sim platform`,
      );
    }
  }
  const answerUrl = str(values, 'answer-url') as string;
  if (!/^https?:\/\/./i.test(answerUrl)) {
    throw new UsageError(`--answer-url must start with http:// or https://, got "${answerUrl}"`);
  }
  const call = withoutUndefined({
    answerUrl,
    answerMethod: oneOf<'GET' | 'POST'>(
      { get: 'GET', post: 'POST' },
      str(values, 'answer-method'),
      '--answer-method',
    ),
    from: str(values, 'from'),
    to: str(values, 'to'),
    audio: str(values, 'wav'),
    dtmf: parseDtmf((values.dtmf as string[] | undefined) ?? []),
    hangupAfterMs: number(str(values, 'hangup-after'), '--hangup-after'),
    waitForPlayoutMs: number(str(values, 'wait-for-playout'), '--wait-for-playout'),
    callUuid: str(values, 'call-id'),
  });
  return {
    kind: 'answer-call',
    platform: platformOptions(values),
    call,
    record: str(values, 'record'),
    report: str(values, 'report'),
    json: values.json === true,
    quiet: values.quiet === true,
  };
}

export function platformCommand(values: Values, positionals: readonly string[]): PlatformCommand {
  if (positionals.length > 0)
    throw new UsageError(`platform takes no arguments, got ${positionals.join(' ')}`);
  for (const flag of Object.keys(values)) {
    if (!PLATFORM_FLAGS.has(flag) && given(values, flag)) {
      throw new UsageError(`--${flag} is not an option of callstream-sim platform`);
    }
  }
  const port = str(values, 'port');
  if (port !== undefined && !/^\d{1,5}$/.test(port)) {
    throw new UsageError(`--port takes a port number, got "${port}"`);
  }
  return {
    kind: 'platform',
    platform: withoutUndefined({
      ...platformOptions(values),
      host: str(values, 'host'),
      port: port === undefined ? undefined : Number(port),
    }),
    call: values.call === true,
  };
}

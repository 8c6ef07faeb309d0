/**
 * Command-line arguments of `callstream-sim`, and its help text.
 */
import { parseArgs } from 'node:util';
import type { MediaFormat, Track } from '@callstream/core';
import type { Dialect, SimulateCallOptions } from './options.js';
import { answerCallCommand, platformCommand } from './cli-platform-args.js';
import { UsageError, number, oneOf, parseDtmf } from './cli-values.js';
import type { AnswerCallCommand, PlatformCommand } from './cli-platform-args.js';

export { UsageError } from './cli-values.js';

export const HELP = `Usage: callstream-sim <url> [options]
       callstream-sim --answer-url <url> [options]
       callstream-sim platform [options]

Places a simulated phone call into a WebSocket server, the way Plivo (or Vobiz) does:
sends start, a media frame every 20 ms per track, DTMF and stop; plays the server's
playAudio at real time, answers checkpoint with playedStream and clearAudio with
clearedAudio; checks every command against the protocol.

  <url>                      ws:// or wss:// URL of the server (query string kept)

Audio
  --wav <file>               what the caller says: a WAV file, 8 to 192 kHz, any channel
                             count (mixed to mono, resampled). Default: silence
  --format <format>          mulaw (default) | l16-8k | l16-16k | l16-24k
  --tracks <tracks>          inbound (default) | outbound | both. outbound carries what the
                             caller hears
  --dtmf <digit@ms>          press a digit at a call time in ms, e.g. 1@1500. Repeatable,
                             or comma separated: 1@1500,#@3000
  --record <file>            write what the caller heard (a timeline from the start,
                             silence in between) as a WAV file
  --report <file>            write a call report: one self-contained HTML page with
                             both sides' audio and every event on one time axis

Timing
  --speed <n>                1 = real time (default), N = N times faster, 0 = as fast as
                             possible
  --hangup-after <ms>        hang up at this call time. Default: when the audio ends; with
                             no --wav, when the server closes (or on Ctrl-C)
  --wait-for-playout <ms>    at hangup time, if server audio is still queued, wait up to
                             this many more ms for it to play out. Default 0

Platform
  --dialect <dialect>        plivo (default) | vobiz (sequence numbers from 0,
                             extra_headers "{}", playedStream without streamId, no stop)
  --extra-headers <text>     the extra_headers string, e.g. "tenant=acme;user=42"
  --header <name:value>      HTTP header for the WebSocket upgrade. Repeatable
  --no-stop                  do not send stop before closing
  --call-id <id>             use this callId instead of a random UUID
  --stream-id <id>           use this streamId instead of a random UUID

A call from an answer URL (a local platform runs for the call)
  --answer-url <url>         request this http(s) URL as the platform does (signed, with
                             CallUUID, From, To, ...), then follow its <Stream> XML: the
                             stream URL, format, tracks and extra headers come from there
  --answer-method <method>   POST (default) | GET
  --from <number>            the caller's number. Default +14155550100
  --to <number>              the number called. Default +14155550199
  --auth-id <id>             the account id. Default: random
  --auth-token <token>       the token every request and upgrade is signed with (your
                             app checks signatures with it). Default: random

A long-lived local platform: callstream-sim platform
  Serves the stream REST API (start, get, list, stop, stop all, hangup, and POST Call/
  to place a call) until Ctrl-C, and prints its base URL and credentials.
  --dialect, --auth-id, --auth-token, --speed as above
  --host <host>              default 127.0.0.1
  --port <port>              default 0 (any free port)
  --call                     place one live call at start (prints its CallUUID)

Output
  --json                     print one JSON object (no progress line)
  --quiet                    no progress line
  -h, --help                 show this help

Progress goes to stderr (when it is a terminal), the summary to stdout.
Exit status: 0 the call completed cleanly, 1 the server broke the protocol (the
violations are listed) or the answer XML has problems, 2 connection failure, bad
arguments or unreadable files.

Examples
  callstream-sim ws://127.0.0.1:8080/stream --wav caller.wav --format l16-16k \\
    --dtmf 1@1500 --record heard.wav --report call.html
  callstream-sim --answer-url http://127.0.0.1:3000/answer --wav caller.wav --dtmf 1@1500
  callstream-sim platform --port 8099 --auth-id MAODUZYTQ0Y2M5ZGE1MD --auth-token secret --call
`;

/** What the command line asks for. */
export type CliCommand =
  | { kind: 'help' }
  | {
      kind: 'call';
      options: SimulateCallOptions;
      record: string | undefined;
      report: string | undefined;
      json: boolean;
      quiet: boolean;
    }
  | AnswerCallCommand
  | PlatformCommand;

const FORMATS: Record<string, MediaFormat> = {
  mulaw: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
  'l16-8k': { encoding: 'audio/x-l16', sampleRate: 8000 },
  'l16-16k': { encoding: 'audio/x-l16', sampleRate: 16000 },
  'l16-24k': { encoding: 'audio/x-l16', sampleRate: 24000 },
};
const TRACKS: Record<string, Track[]> = {
  inbound: ['inbound'],
  outbound: ['outbound'],
  both: ['inbound', 'outbound'],
};

function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header takes name:value, got "${value}"`);
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}

const PLATFORM_ONLY = [
  'answer-method',
  'from',
  'to',
  'auth-id',
  'auth-token',
  'host',
  'port',
  'call',
] as const;

/** Parses `argv` (without `node` and the script). Throws {@link UsageError}. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        wav: { type: 'string' },
        format: { type: 'string' },
        tracks: { type: 'string' },
        speed: { type: 'string' },
        dtmf: { type: 'string', multiple: true },
        record: { type: 'string' },
        report: { type: 'string' },
        'hangup-after': { type: 'string' },
        'wait-for-playout': { type: 'string' },
        dialect: { type: 'string' },
        'extra-headers': { type: 'string' },
        header: { type: 'string', multiple: true },
        'no-stop': { type: 'boolean' },
        'call-id': { type: 'string' },
        'stream-id': { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        'answer-url': { type: 'string' },
        'answer-method': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'auth-id': { type: 'string' },
        'auth-token': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        call: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals[0] === 'platform') return platformCommand(values, positionals.slice(1));
  if (values['answer-url'] !== undefined) return answerCallCommand(values, positionals);
  for (const flag of PLATFORM_ONLY) {
    if (values[flag] !== undefined)
      throw new UsageError(`--${flag} needs --answer-url or platform`);
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'missing the server URL'
        : `one URL only, got ${positionals.join(' ')}`,
    );
  }
  const url = positionals[0] as string;
  if (!/^wss?:\/\/./i.test(url))
    throw new UsageError(`the URL must start with ws:// or wss://, got "${url}"`);
  const dialect = oneOf<Dialect>({ plivo: 'plivo', vobiz: 'vobiz' }, values.dialect, '--dialect');
  const options: SimulateCallOptions = {
    url,
    audio: values.wav,
    format: oneOf(FORMATS, values.format, '--format'),
    tracks: oneOf(TRACKS, values.tracks, '--tracks'),
    speed: number(values.speed, '--speed'),
    dtmf: parseDtmf(values.dtmf ?? []),
    hangupAfterMs: number(values['hangup-after'], '--hangup-after'),
    waitForPlayoutMs: number(values['wait-for-playout'], '--wait-for-playout'),
    dialect,
    extraHeaders: values['extra-headers'],
    headers: parseHeaders(values.header ?? []),
    sendStop: values['no-stop'] ? false : undefined,
    callId: values['call-id'],
    streamId: values['stream-id'],
  };
  // Leave unset options out, so simulateCall's defaults apply.
  for (const key of Object.keys(options) as (keyof SimulateCallOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  return {
    kind: 'call',
    options,
    record: values.record,
    report: values.report,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
  };
}

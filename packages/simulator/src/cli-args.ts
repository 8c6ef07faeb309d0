/**
 * Command-line arguments of `callstream-sim`, and its help text.
 */
import { parseArgs } from 'node:util';
import type { DtmfDigit, MediaFormat, Track } from '@callstream/core';
import { isDtmfDigit } from '@callstream/core/internal';
import type { Dialect, SimulateCallOptions } from './options.js';

export const HELP = `Usage: callstream-sim <url> [options]

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

Output
  --json                     print one JSON object (no progress line)
  --quiet                    no progress line
  -h, --help                 show this help

Progress goes to stderr (when it is a terminal), the summary to stdout.
Exit status: 0 the call completed cleanly, 1 the server broke the protocol (the
violations are listed), 2 connection failure, bad arguments or unreadable files.

Example
  callstream-sim ws://127.0.0.1:8080/stream --wav caller.wav --format l16-16k \\
    --dtmf 1@1500 --record heard.wav --report call.html
`;

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

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
    };

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

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`${flag} takes a number >= 0, got "${value}"`);
  }
  return n;
}

function oneOf<T>(
  table: Record<string, T>,
  value: string | undefined,
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  const found = table[value.toLowerCase()];
  if (found === undefined) {
    throw new UsageError(`${flag} must be one of ${Object.keys(table).join(', ')}, got "${value}"`);
  }
  return found;
}

function parseDtmf(values: string[]): { atMs: number; digit: DtmfDigit }[] {
  return values
    .flatMap((value) => value.split(','))
    .map((entry) => {
      const match = /^([^@])@(\d+(?:\.\d+)?)$/.exec(entry.trim());
      const digit = match?.[1]?.toUpperCase();
      if (match === null || !isDtmfDigit(digit)) {
        throw new UsageError(`--dtmf takes digit@ms (e.g. 1@1500), got "${entry}"`);
      }
      return { digit, atMs: Number(match[2]) };
    });
}

function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header takes name:value, got "${value}"`);
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}

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
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
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

/**
 * One stream as the platform is asked to run it, from a `<Stream>` element or a REST start
 * request, checked the way the platform checks it (CONTROL.md §1.1, §2.2). Both sources go
 * through one validator, so the XML and the REST API accept and refuse the same things.
 */
import type { MediaFormat, Track } from '@callstream/core';
import { isSupportedFormat } from '@callstream/core/internal';
import type { Platform } from './platform-options.js';

export type AudioTrack = 'inbound' | 'outbound' | 'both';

/** A validated stream request. */
export interface StreamSpec {
  serviceUrl: string;
  bidirectional: boolean;
  audioTrack: AudioTrack;
  /** Seconds. */
  streamTimeout: number;
  statusCallbackUrl: string | undefined;
  statusCallbackMethod: 'GET' | 'POST';
  contentType: string;
  format: MediaFormat;
  tracks: Track[];
  /** Parsed `extraHeaders`, in order. */
  extraHeaders: [string, string][];
  keepCallAlive: boolean;
  /** Connection attempts after the first failed one (Plivo: 2; Vobiz: `maxRetries`, 0..10). */
  retries: number;
}

const FORMATS: Readonly<Record<string, MediaFormat>> = {
  'audio/x-l16;rate=8000': { encoding: 'audio/x-l16', sampleRate: 8000 },
  'audio/x-l16;rate=16000': { encoding: 'audio/x-l16', sampleRate: 16000 },
  'audio/x-l16;rate=24000': { encoding: 'audio/x-l16', sampleRate: 24000 },
  'audio/x-mulaw;rate=8000': { encoding: 'audio/x-mulaw', sampleRate: 8000 },
};
const TRACKS: Readonly<Record<AudioTrack, Track[]>> = {
  inbound: ['inbound'],
  outbound: ['outbound'],
  both: ['inbound', 'outbound'],
};
const ALNUM = /^[A-Za-z0-9]+$/;
const PLIVO_RETRIES = 2;

/** The field names of each source: XML attribute or REST JSON key. */
const NAMES = {
  serviceUrl: ['element text', 'service_url'],
  bidirectional: ['bidirectional', 'bidirectional'],
  audioTrack: ['audioTrack', 'audio_track'],
  streamTimeout: ['streamTimeout', 'stream_timeout'],
  statusCallbackUrl: ['statusCallbackUrl', 'status_callback_url'],
  statusCallbackMethod: ['statusCallbackMethod', 'status_callback_method'],
  contentType: ['contentType', 'content_type'],
  extraHeaders: ['extraHeaders', 'extra_headers'],
  keepCallAlive: ['keepCallAlive', 'keep_call_alive'],
  noiseCancellation: ['noiseCancellation', 'noise_cancellation'],
  noiseCancellationLevel: ['noiseCancellationLevel', 'noise_cancellation_level'],
  maxRetries: ['maxRetries', 'max_retries'],
} as const;
type Field = keyof typeof NAMES;

export type SpecResult = { spec: StreamSpec; errors?: undefined } | { errors: string[] };

/** Reads a `<Stream>` element's URL and attributes. */
export function streamSpecFromXml(
  url: string,
  attributes: readonly [string, string][],
  platform: Platform,
): SpecResult {
  const byXmlName = new Map(
    (Object.keys(NAMES) as Field[]).map((field) => [NAMES[field][0] as string, field]),
  );
  const input: Partial<Record<Field, unknown>> = { serviceUrl: url.trim() };
  const errors: string[] = [];
  for (const [name, value] of attributes) {
    const field = byXmlName.get(name);
    if (field === undefined || field === 'serviceUrl') {
      errors.push(`<Stream> has an unknown attribute ${name}`);
    } else input[field] = value;
  }
  return check(input, platform, 0, errors);
}

/** Reads a REST start request's JSON body; keys the API does not document are ignored. */
export function streamSpecFromRest(body: Record<string, unknown>, platform: Platform): SpecResult {
  const input: Partial<Record<Field, unknown>> = {};
  for (const field of Object.keys(NAMES) as Field[]) {
    const key = NAMES[field][1];
    if (Object.hasOwn(body, key)) input[field] = body[key];
  }
  return check(input, platform, 1, []);
}

function check(
  input: Partial<Record<Field, unknown>>,
  platform: Platform,
  source: 0 | 1,
  errors: string[],
): SpecResult {
  const label = (field: Field): string => NAMES[field][source];
  const bad = (field: Field, why: string): void => {
    errors.push(
      source === 0 && field !== 'serviceUrl'
        ? `<Stream> attribute ${label(field)}="${String(input[field])}" ${why}`
        : `${label(field)} ${why}`,
    );
  };
  const bool = (field: Field): boolean => {
    const v = input[field];
    if (v === undefined || v === false || v === 'false') return false;
    if (v === true || v === 'true') return true;
    bad(field, 'must be true or false');
    return false;
  };

  const url = input.serviceUrl;
  let serviceUrl = '';
  if (typeof url !== 'string' || url === '')
    bad('serviceUrl', 'is required (a ws:// or wss:// URL)');
  else if (!isUrl(url, ['ws:', 'wss:']))
    bad('serviceUrl', `must be a ws:// or wss:// URL, got ${url}`);
  else serviceUrl = url;

  const bidirectional = bool('bidirectional');
  const keepCallAlive = bool('keepCallAlive');
  const audioTrack = (input.audioTrack ?? 'inbound') as AudioTrack;
  if (!Object.hasOwn(TRACKS, audioTrack)) bad('audioTrack', 'must be inbound, outbound or both');
  else if (bidirectional && audioTrack !== 'inbound') {
    bad('audioTrack', 'must be inbound when bidirectional is true');
  }

  const timeout = input.streamTimeout ?? 86400;
  const streamTimeout =
    typeof timeout === 'string' && /^\d+$/.test(timeout) ? Number(timeout) : timeout;
  if (!(
    typeof streamTimeout === 'number' &&
    Number.isInteger(streamTimeout) &&
    streamTimeout >= 1
  )) {
    bad('streamTimeout', 'must be a positive integer (seconds)');
  }

  const callback = input.statusCallbackUrl;
  if (
    callback !== undefined &&
    (typeof callback !== 'string' || !isUrl(callback, ['http:', 'https:']))
  ) {
    bad('statusCallbackUrl', 'must be an http:// or https:// URL');
  }
  const method = input.statusCallbackMethod ?? 'POST';
  if (method !== 'GET' && method !== 'POST') bad('statusCallbackMethod', 'must be GET or POST');

  // The content types of the docs, as far as core's format table has them for this platform
  // (audio/x-l16;rate=24000: Vobiz only).
  const contentTypes = Object.keys(FORMATS).filter((type) =>
    isSupportedFormat(FORMATS[type] as MediaFormat, 'inbound', platform),
  );
  const contentType = input.contentType ?? 'audio/x-l16;rate=8000';
  const format =
    typeof contentType === 'string' && contentTypes.includes(contentType)
      ? FORMATS[contentType]
      : undefined;
  if (format === undefined) bad('contentType', `must be one of ${contentTypes.join(', ')}`);

  const extraHeaders = parseExtra(input.extraHeaders, (why) => bad('extraHeaders', why));

  let retries = PLIVO_RETRIES;
  if (platform === 'vobiz') {
    if (input.noiseCancellation !== undefined)
      bad('noiseCancellation', 'is not supported by Vobiz');
    if (input.noiseCancellationLevel !== undefined) {
      bad('noiseCancellationLevel', 'is not supported by Vobiz');
    }
    // Vobiz: below 0 → 0, above 10 → 10, not an integer → 0 (never an error).
    const n = Number(input.maxRetries ?? 0);
    retries = Number.isInteger(n) ? Math.min(10, Math.max(0, n)) : 0;
  } else {
    if (input.maxRetries !== undefined && source === 0) bad('maxRetries', 'is Vobiz only');
    checkNoise(input, bad);
  }

  if (errors.length > 0) return { errors };
  return {
    spec: {
      serviceUrl,
      bidirectional,
      audioTrack,
      streamTimeout: streamTimeout as number,
      statusCallbackUrl: callback as string | undefined,
      statusCallbackMethod: method as 'GET' | 'POST',
      contentType: contentType as string,
      format: format as MediaFormat,
      tracks: [...TRACKS[audioTrack]],
      extraHeaders,
      keepCallAlive,
      retries,
    },
  };
}

function checkNoise(
  input: Partial<Record<Field, unknown>>,
  bad: (field: Field, why: string) => void,
): void {
  const on = input.noiseCancellation;
  if (on !== undefined && on !== 'true' && on !== 'false' && on !== true && on !== false) {
    bad('noiseCancellation', 'must be "true" or "false"');
  }
  const level = input.noiseCancellationLevel;
  if (level === undefined) return;
  const n = typeof level === 'string' && /^\d+$/.test(level) ? Number(level) : level;
  if (!(typeof n === 'number' && Number.isInteger(n) && n >= 60 && n <= 100)) {
    bad('noiseCancellationLevel', 'must be an integer from 60 to 100');
  }
}

/** `k=v,k=v`, alphanumeric keys and values, at most 512 bytes (CONTROL.md §8.4: ≤ chosen). */
function parseExtra(raw: unknown, bad: (why: string) => void): [string, string][] {
  if (raw === undefined || raw === '') return [];
  if (typeof raw !== 'string') {
    bad('must be a string of k=v pairs separated by commas');
    return [];
  }
  if (Buffer.byteLength(raw, 'utf8') > 512) bad('must be at most 512 bytes');
  const pairs: [string, string][] = [];
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    if (!ALNUM.test(key) || !ALNUM.test(value)) {
      bad(`must be k=v pairs of letters and digits separated by commas, got "${part}"`);
      return [];
    }
    pairs.push([key, value]);
  }
  return pairs;
}

function isUrl(text: string, protocols: string[]): boolean {
  try {
    const url = new URL(text);
    return protocols.includes(url.protocol) && url.host !== '';
  } catch {
    return false;
  }
}

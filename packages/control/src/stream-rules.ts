/**
 * The documented rules of a stream's settings (CONTROL.md §1.1, §2.2), in one place: the
 * `<Stream>` XML builder and the REST client both validate through {@link checkStreamSettings},
 * so an attribute accepted in an answer URL is accepted by `start()` and the other way round.
 */

import {
  EXTRA_HEADERS_MAX_BYTES,
  URL_TEXT_NOTE,
  extraHeaders,
  flag,
  integer,
  isPlainRecord,
  oneOf,
  url,
  type Normalise,
} from './stream-values.js';

/** Which platform's documentation to follow: the attribute sets differ a little. */
export type Dialect = 'plivo' | 'vobiz';

/** Where the settings go: `<Stream>` XML attributes or the REST start-stream body. */
export type SettingsContext = 'xml' | 'rest';

/** A boolean, or the strings Plivo's own XML examples use. */
export type StreamFlag = boolean | 'true' | 'false';

/** The `contentType` values the platforms document. */
export type StreamContentType =
  | 'audio/x-l16;rate=8000'
  | 'audio/x-l16;rate=16000'
  | 'audio/x-mulaw;rate=8000'
  | 'audio/x-l16;rate=24000';

/**
 * The settings of one stream, shared by `<Stream>` attributes and `start()` parameters. In XML the
 * key order is the attribute order (as in the official SDK); `undefined` values are left out.
 */
export interface StreamSettings {
  /** Two-way audio (`playAudio` and friends). Default false. */
  bidirectional?: StreamFlag;
  /** Which audio is streamed. Default `'inbound'`; with `bidirectional` only `'inbound'` is allowed. */
  audioTrack?: 'inbound' | 'outbound' | 'both';
  /** Seconds before the platform ends the stream: an integer >= 1. Default 86400. */
  streamTimeout?: number;
  /** Where the platform sends status callbacks: an absolute http(s) URL. */
  statusCallbackUrl?: string;
  /** `'GET'` or `'POST'` (default). */
  statusCallbackMethod?: 'GET' | 'POST';
  /** Audio format of the stream. Default `'audio/x-l16;rate=8000'`. 24 kHz is documented for REST only. */
  contentType?: StreamContentType;
  /**
   * Sent back in the stream's `start` message: `'k=v,k=v'` or a record (joined in key order). Keys
   * and values `[A-Za-z0-9]+`, at most 512 bytes in all. An empty record is left out.
   */
  extraHeaders?: string | Readonly<Record<string, string>>;
  /** Plivo only: noise cancellation on the streamed audio (sent as the string `"true"`/`"false"`). */
  noiseCancellation?: StreamFlag;
  /** Plivo only: 60..100 (default 85); needs `noiseCancellation: true`. */
  noiseCancellationLevel?: number;
}

/** One finding of the checks: errors make the builders throw; warnings are advice. */
export interface StreamIssue {
  level: 'error' | 'warning';
  /** The attribute or parameter concerned (`'url'` for the `<Stream>` element's text). */
  attribute: string;
  message: string;
}

/** A valid setting, normalised: the JSON value sent over REST, the text written in XML. */
export interface StreamEntry {
  name: string;
  /** The documented REST key. */
  key: string;
  json: string | number | boolean;
  text: string;
}

interface Rule {
  /** The documented snake_case REST key. */
  key: string;
  contexts: readonly SettingsContext[];
  dialects: readonly Dialect[];
  /** The allowed values, for messages. */
  allowed: string;
  /** The normalised value, or undefined when the value breaks the rule. */
  normalise: Normalise;
}

const BOTH_CONTEXTS = ['xml', 'rest'] as const;
const BOTH_DIALECTS = ['plivo', 'vobiz'] as const;
const TRACKS = ['inbound', 'outbound', 'both'] as const;
const METHODS = ['GET', 'POST'] as const;
const CONTENT_TYPES = [
  'audio/x-l16;rate=8000',
  'audio/x-l16;rate=16000',
  'audio/x-mulaw;rate=8000',
  'audio/x-l16;rate=24000',
] as const;

/** Every setting, in the order the official SDK lists the `<Stream>` attributes. */
const RULES: Readonly<Record<string, Rule>> = {
  bidirectional: {
    key: 'bidirectional',
    contexts: BOTH_CONTEXTS,
    dialects: BOTH_DIALECTS,
    allowed: "true, false, 'true', 'false'",
    normalise: flag,
  },
  audioTrack: {
    key: 'audio_track',
    contexts: BOTH_CONTEXTS,
    dialects: BOTH_DIALECTS,
    allowed: TRACKS.join(', '),
    normalise: oneOf(TRACKS),
  },
  streamTimeout: {
    key: 'stream_timeout',
    contexts: BOTH_CONTEXTS,
    dialects: BOTH_DIALECTS,
    allowed: 'an integer number of seconds >= 1',
    normalise: integer(1, Number.MAX_SAFE_INTEGER),
  },
  statusCallbackUrl: {
    key: 'status_callback_url',
    contexts: BOTH_CONTEXTS,
    dialects: BOTH_DIALECTS,
    allowed: `an absolute http:// or https:// URL ${URL_TEXT_NOTE}`,
    normalise: url(['http', 'https']),
  },
  statusCallbackMethod: {
    key: 'status_callback_method',
    contexts: BOTH_CONTEXTS,
    dialects: BOTH_DIALECTS,
    allowed: METHODS.join(', '),
    normalise: oneOf(METHODS),
  },
  contentType: {
    key: 'content_type',
    contexts: BOTH_CONTEXTS,
    dialects: BOTH_DIALECTS,
    allowed: CONTENT_TYPES.join(', '),
    normalise: oneOf(CONTENT_TYPES),
  },
  extraHeaders: {
    key: 'extra_headers',
    contexts: BOTH_CONTEXTS,
    dialects: BOTH_DIALECTS,
    allowed: `'key=value,key=value' (or a record of strings) with keys and values of [A-Za-z0-9], at most ${EXTRA_HEADERS_MAX_BYTES} bytes`,
    normalise: extraHeaders,
  },
  keepCallAlive: {
    key: 'keep_call_alive',
    contexts: ['xml'],
    dialects: BOTH_DIALECTS,
    allowed: "true, false, 'true', 'false'",
    normalise: flag,
  },
  noiseCancellation: {
    key: 'noise_cancellation',
    contexts: BOTH_CONTEXTS,
    dialects: ['plivo'],
    allowed: "true, false, 'true', 'false'",
    // Plivo documents a string, also in the JSON body.
    normalise: (value) => {
      const f = flag(value);
      return f && { json: f.text, text: f.text };
    },
  },
  noiseCancellationLevel: {
    key: 'noise_cancellation_level',
    contexts: BOTH_CONTEXTS,
    dialects: ['plivo'],
    allowed: 'an integer from 60 to 100',
    normalise: integer(60, 100),
  },
  maxRetries: {
    key: 'max_retries',
    contexts: ['xml'],
    dialects: ['vobiz'],
    allowed: 'an integer from 0 to 10',
    normalise: integer(0, 10),
  },
};

/** The REST body's one required field: the WebSocket URL to stream to. */
const SERVICE_URL: Rule = {
  key: 'service_url',
  contexts: ['rest'],
  dialects: BOTH_DIALECTS,
  allowed: `an absolute ws:// or wss:// URL ${URL_TEXT_NOTE}`,
  normalise: url(['ws', 'wss']),
};

/** The names a context and dialect accept, for messages. */
export function allowedNames(context: SettingsContext, dialect: Dialect): string[] {
  const names = Object.keys(RULES).filter((name) => {
    const rule = RULES[name] as Rule;
    return rule.contexts.includes(context) && rule.dialects.includes(dialect);
  });
  return context === 'rest' ? ['serviceUrl', ...names] : names;
}

export interface CheckedSettings {
  issues: StreamIssue[];
  /** The valid settings in the caller's key order (the service URL first, for REST). */
  entries: StreamEntry[];
}

/**
 * Checks a stream URL and its settings against the documented rules, for `<Stream>` XML
 * (`context: 'xml'`, the URL is the element's text and is called `url`) or the REST start body
 * (`'rest'`, the URL is `serviceUrl`). Never throws.
 */
export function checkStreamSettings(
  streamUrl: unknown,
  settings: unknown,
  context: SettingsContext,
  dialect: Dialect,
): CheckedSettings {
  const subject = context === 'xml' ? '<Stream> attribute' : 'stream parameter';
  const issues: StreamIssue[] = [];
  const entries: StreamEntry[] = [];
  const error = (attribute: string, message: string): void => {
    issues.push({ level: 'error', attribute, message });
  };
  const warn = (attribute: string, message: string): void => {
    issues.push({ level: 'warning', attribute, message });
  };

  const urlName = context === 'xml' ? 'url' : 'serviceUrl';
  const urlValue = SERVICE_URL.normalise(streamUrl);
  if (urlValue === undefined) {
    error(
      urlName,
      `Invalid ${context === 'xml' ? '<Stream> URL' : 'stream parameter "serviceUrl"'} ${describe(streamUrl)}: expected ${SERVICE_URL.allowed}`,
    );
  } else if (context === 'rest') {
    entries.push({ name: 'serviceUrl', key: SERVICE_URL.key, ...urlValue });
  }

  if (settings !== undefined && !isPlainRecord(settings)) {
    error(
      urlName === 'url' ? 'attributes' : 'params',
      `Invalid ${subject}s: expected a plain object`,
    );
    return { issues, entries };
  }
  const values: Readonly<Record<string, unknown>> = settings ?? {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || (context === 'rest' && name === 'serviceUrl')) continue;
    const rule = Object.hasOwn(RULES, name) ? RULES[name] : undefined;
    if (rule === undefined || !rule.contexts.includes(context)) {
      const names = allowedNames(context, dialect).join(', ');
      const where =
        rule === undefined ? '' : ` (it is valid in ${context === 'xml' ? 'REST' : 'XML'} only)`;
      error(name, `Unknown ${subject} "${name}"${where}: expected one of ${names}`);
      continue;
    }
    if (!rule.dialects.includes(dialect)) {
      const owner = rule.dialects[0] === 'vobiz' ? 'Vobiz' : 'Plivo';
      const names = allowedNames(context, dialect).join(', ');
      error(
        name,
        `The ${subject} "${name}" is ${owner}-only; with dialect "${dialect}" expected one of ${names}`,
      );
      continue;
    }
    const normalised = rule.normalise(value);
    if (normalised === undefined) {
      error(name, `Invalid ${subject} "${name}" ${describe(value)}: expected ${rule.allowed}`);
      continue;
    }
    // An empty record has no header to send.
    if (name === 'extraHeaders' && normalised.text === '' && typeof value !== 'string') continue;
    entries.push({ name, key: rule.key, ...normalised });
  }

  const json = (name: string): unknown => entries.find((e) => e.name === name)?.json;
  const track = json('audioTrack');
  if (json('bidirectional') === true && (track === 'outbound' || track === 'both')) {
    error(
      'audioTrack',
      `Invalid ${subject} "audioTrack" "${String(track)}" with bidirectional true: expected inbound (the platform refuses outbound and both on a two-way stream)`,
    );
  }
  if (json('noiseCancellationLevel') !== undefined && json('noiseCancellation') !== 'true') {
    error(
      'noiseCancellationLevel',
      `The ${subject} "noiseCancellationLevel" needs noiseCancellation true: expected noiseCancellation: true alongside it`,
    );
  }
  if (context === 'xml') {
    if (json('keepCallAlive') === true && json('bidirectional') !== true) {
      warn('keepCallAlive', 'keepCallAlive is documented for bidirectional streams only');
    }
    if (json('bidirectional') === true && json('keepCallAlive') !== true) {
      warn(
        'keepCallAlive',
        'bidirectional without keepCallAlive: unless another verb follows the <Stream>, the call ends at once',
      );
    }
    if (json('contentType') === 'audio/x-l16;rate=24000') {
      warn(
        'contentType',
        'audio/x-l16;rate=24000 is documented for the REST API, not for <Stream> XML',
      );
    }
  }
  return { issues, entries };
}

/** The value as a message shows it: short, and never a whole payload. */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
    return JSON.stringify(shown);
  }
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? '(an array)' : '(an object)';
}

import { CallstreamError } from '@callstream/core';
import { checkStreamSettings, type StreamSettings } from '../stream-rules.js';
import { accountBase, checkOptions } from './api-options.js';
import { platformRequest, unusableAnswer } from './platform-request.js';
import {
  isObject,
  toStreamList,
  toStreamRecord,
  type StreamList,
  type StreamRecord,
} from './stream-record.js';

/** Options of {@link createStreamApi}. */
export interface StreamApiOptions {
  /** `'plivo'` (HTTP Basic auth) or `'vobiz'` (`X-Auth-ID` / `X-Auth-Token` headers). */
  platform: 'plivo' | 'vobiz';
  /** The account's auth id (`MA…`): the user name, and part of every path. */
  authId: string;
  authToken: string;
  /**
   * Where the API lives. Default `https://api.plivo.com` (plivo) or `https://api.vobiz.ai`
   * (vobiz). Any `http(s)://host[:port][/prefix]` works, a local fake included:
   *
   * - when its path ends in `/Account/<id>` (with or without the trailing `/`), it is the account
   *   base itself and operations are appended to it (`…/Account/<id>/Call/<uuid>/Stream/`);
   * - otherwise the platform's own path is appended to it: `v1/Account/<authId>/` for plivo,
   *   `api/v1/Account/<authId>/` for vobiz. So `http://127.0.0.1:1234` gives
   *   `http://127.0.0.1:1234/v1/Account/<authId>/Call/<uuid>/Stream/` (plivo) and
   *   `http://127.0.0.1:1234/api/v1/Account/<authId>/Call/<uuid>/Stream/` (vobiz).
   */
  baseUrl?: string;
  /** The `fetch` to use. Default: the global one (Node >= 20). */
  fetch?: typeof globalThis.fetch;
  /** Per attempt, from sending to the end of the answer's body. Default 10 000 ms. */
  timeoutMs?: number;
  /** Extra attempts for GET and DELETE after a 5xx or a network error (never for POST). Default 2. */
  retries?: number;
  /** Wait before the first retry, doubled before each next one. Default 250 ms. */
  retryDelayMs?: number;
}

/** Per-call options of every operation. */
export interface StreamRequestOptions {
  /** Aborts the request (and any retry wait); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The body of `start()`: the WebSocket URL and the stream's settings (REST names in camelCase). */
export interface StartStreamParams extends StreamSettings {
  /** The WebSocket URL the platform streams to: `ws://` or `wss://`. Required. */
  serviceUrl: string;
}

/** What `start()` resolves to. */
export interface StartedStream {
  streamId: string;
  apiId?: string;
  message?: string;
  /** The answer exactly as the platform sent it. */
  raw: Readonly<Record<string, unknown>>;
}

/** The stream REST API of one account. Every operation rejects with a `CallstreamError`. */
export interface StreamApi {
  /**
   * Starts a stream on a live call (`POST Call/{callUuid}/Stream/`). The parameters are checked
   * first (the same rules as `streamXml`); a POST is never retried.
   */
  start(
    callUuid: string,
    params: StartStreamParams,
    options?: StreamRequestOptions,
  ): Promise<StartedStream>;
  /** One stream (`GET Call/{callUuid}/Stream/{streamId}/`). */
  get(callUuid: string, streamId: string, options?: StreamRequestOptions): Promise<StreamRecord>;
  /** The call's streams (`GET Call/{callUuid}/Stream/`, with `limit`/`offset` when given). */
  list(
    callUuid: string,
    query?: { limit?: number; offset?: number },
    options?: StreamRequestOptions,
  ): Promise<StreamList>;
  /** Stops one stream (`DELETE Call/{callUuid}/Stream/{streamId}/`, 204). */
  stop(callUuid: string, streamId: string, options?: StreamRequestOptions): Promise<void>;
  /** Stops every stream of the call (`DELETE Call/{callUuid}/Stream/`, 204). */
  stopAll(callUuid: string, options?: StreamRequestOptions): Promise<void>;
  /** Hangs the call up (`DELETE Call/{callUuid}/`, 204). */
  hangup(callUuid: string, options?: StreamRequestOptions): Promise<void>;
}

/**
 * A client for the stream REST API of Plivo or Vobiz (CONTROL.md §2), on the global `fetch`:
 * start, get, list and stop streams, and hang up calls. Unlike the official SDK it validates the
 * parameters before sending (`ERR_INVALID_STREAM_PARAMS`), never retries a POST (a retried start
 * can open two streams), accepts a `baseUrl`, and rejects with typed errors: `ERR_PLATFORM_HTTP`
 * (with `status`, `apiId`, `error`, `body`), `ERR_PLATFORM_TIMEOUT`, `ERR_PLATFORM_NETWORK`
 * (each a {@link PlatformError}).
 *
 * @throws {TypeError} naming the option, for a missing or invalid option.
 *
 * @example
 * import { createStreamApi } from '@callstream/control';
 *
 * const api = createStreamApi({
 *   platform: 'plivo',
 *   authId: process.env.PLIVO_AUTH_ID ?? '',
 *   authToken: process.env.PLIVO_AUTH_TOKEN ?? '',
 * });
 * const { streamId } = await api.start(callUuid, {
 *   serviceUrl: 'wss://bot.example.com/stream',
 *   bidirectional: true,
 *   contentType: 'audio/x-l16;rate=16000',
 * });
 * await api.stop(callUuid, streamId);
 */
export function createStreamApi(options: StreamApiOptions): StreamApi {
  const settings = checkOptions(options);
  const account = accountBase(options.platform, options.authId, options.baseUrl);
  const request = (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    json: unknown,
    signal: AbortSignal | undefined,
  ) => platformRequest(settings, method, account + path, json, signal);

  return {
    async start(callUuid, params, requestOptions) {
      const path = `Call/${id('callUuid', callUuid)}/Stream/`;
      const { issues, entries } = checkStreamSettings(
        isObject(params) ? params.serviceUrl : undefined,
        params,
        'rest',
        options.platform,
      );
      const error = issues.find((issue) => issue.level === 'error');
      if (error !== undefined)
        throw new CallstreamError('ERR_INVALID_STREAM_PARAMS', error.message);
      const body = Object.fromEntries(entries.map((entry) => [entry.key, entry.json]));
      const answer = await request('POST', path, body, requestOptions?.signal);
      const streamId = isObject(answer.body) ? answer.body.stream_id : undefined;
      if (typeof streamId !== 'string' || streamId === '') {
        throw unusableAnswer('POST', account + path, answer, 'a stream_id');
      }
      const raw = answer.body as Readonly<Record<string, unknown>>;
      return {
        streamId,
        ...(typeof raw.api_id === 'string' && { apiId: raw.api_id }),
        ...(typeof raw.message === 'string' && { message: raw.message }),
        raw,
      };
    },

    async get(callUuid, streamId, requestOptions) {
      const path = `Call/${id('callUuid', callUuid)}/Stream/${id('streamId', streamId)}/`;
      const answer = await request('GET', path, undefined, requestOptions?.signal);
      const record = toStreamRecord(answer.body);
      if (record === undefined)
        throw unusableAnswer('GET', account + path, answer, 'a stream object');
      return record;
    },

    async list(callUuid, query = {}, requestOptions) {
      const path = `Call/${id('callUuid', callUuid)}/Stream/${listQuery(query)}`;
      const answer = await request('GET', path, undefined, requestOptions?.signal);
      const list = toStreamList(answer.body);
      if (list === undefined) throw unusableAnswer('GET', account + path, answer, 'a stream list');
      return list;
    },

    async stop(callUuid, streamId, requestOptions) {
      const path = `Call/${id('callUuid', callUuid)}/Stream/${id('streamId', streamId)}/`;
      await request('DELETE', path, undefined, requestOptions?.signal);
    },

    async stopAll(callUuid, requestOptions) {
      await request(
        'DELETE',
        `Call/${id('callUuid', callUuid)}/Stream/`,
        undefined,
        requestOptions?.signal,
      );
    },

    async hangup(callUuid, requestOptions) {
      await request(
        'DELETE',
        `Call/${id('callUuid', callUuid)}/`,
        undefined,
        requestOptions?.signal,
      );
    },
  };
}

/** An id as one path segment: URL-encoded; `.` and `..` would climb out of the path. */
function id(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new CallstreamError(
      'ERR_INVALID_STREAM_PARAMS',
      `Invalid ${name} ${typeof value === 'string' ? JSON.stringify(value) : String(value)}: expected a non-empty string other than "." and ".."`,
    );
  }
  return encodeURIComponent(value);
}

function listQuery(query: unknown): string {
  if (!isObject(query)) {
    throw new CallstreamError(
      'ERR_INVALID_STREAM_PARAMS',
      'Invalid list query: expected { limit?, offset? }',
    );
  }
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const min = name === 'limit' ? 1 : 0;
    if (
      (name !== 'limit' && name !== 'offset') ||
      !Number.isSafeInteger(value) ||
      (value as number) < min
    ) {
      throw new CallstreamError(
        'ERR_INVALID_STREAM_PARAMS',
        `Invalid list query "${name}": expected limit (an integer >= 1) or offset (an integer >= 0)`,
      );
    }
    search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The stream REST API of the fake (CONTROL.md §2.1), per platform: Plivo under `/v1/Account/{id}/`
 * with Basic auth, Vobiz under `/api/v1/Account/{id}/` with `X-Auth-ID`/`X-Auth-Token`. Paths
 * work with and without the trailing `/`, and as absolute-form targets. Every request gets an
 * answer: 401, 404 (the platform's error body), 405, 400, 413, never an exception.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { CreateCallOptions, FakeCall } from './fake-call.js';
import type { ResolvedPlatformOptions } from './platform-options.js';
import { RestError, jsonObject, readBody } from './rest-body.js';
import { resourceUri, streamRecord } from './stream-record.js';
import { streamSpecFromRest } from './stream-spec.js';

/** One REST request the fake received, and its answer. */
export interface RestExchange {
  method: string;
  /** The request target as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  /** The JSON answered (undefined for 204). */
  response: unknown;
}

export interface RestHost {
  options: ResolvedPlatformOptions;
  calls: ReadonlyMap<string, FakeCall>;
  createCall(options: CreateCallOptions): FakeCall;
  /** Keeps a request that was answered. */
  recordRequest(exchange: RestExchange): void;
}

type Reply = { status: number; body?: Record<string, unknown> };

const LIST_MAX = 20;

/** Answers one request. */
export async function handleRest(
  host: RestHost,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const exchange: RestExchange = {
    method: req.method ?? '',
    url: req.url ?? '',
    headers: req.headers,
    body: '',
    status: 0,
    response: undefined,
  };
  let reply: Reply;
  let headers: Record<string, string> = {};
  try {
    reply = await route(host, req, exchange);
  } catch (err) {
    const known = err instanceof RestError ? err : new RestError(500, 'internal error');
    reply = { status: known.status, body: { api_id: randomUUID(), error: known.message } };
    headers = known.headers;
    if (known.status === 413) headers.Connection = 'close';
  }
  exchange.status = reply.status;
  exchange.response = reply.body;
  host.recordRequest(exchange);
  if (res.headersSent || res.destroyed) return;
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
  } else {
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, { ...headers, 'Content-Type': 'application/json' }).end(text);
  }
}

async function route(host: RestHost, req: IncomingMessage, exchange: RestExchange): Promise<Reply> {
  const { options } = host;
  const vobiz = options.platform === 'vobiz';
  const { path, query } = splitTarget(req.url ?? '');
  const prefix = vobiz ? '/api/v1/Account/' : '/v1/Account/';
  if (!path.startsWith(prefix)) throw new RestError(404, 'not found');
  const [account = '', ...rest] = path.slice(prefix.length).split('/');
  if (rest.at(-1) === '') rest.pop(); // the trailing slash is optional
  authenticate(options, req, account);

  const body = await readBody(req, options.maxBodyBytes);
  exchange.body = body;
  const method = req.method ?? '';
  const allow = (...methods: string[]): void => {
    if (!methods.includes(method)) {
      throw new RestError(405, 'method not allowed', { Allow: methods.join(', ') });
    }
  };
  const notFound = (what: 'Call' | 'Stream'): never => {
    throw new RestError(404, vobiz ? `${what} not found` : 'not found');
  };
  const call = (uuid: string): FakeCall => host.calls.get(uuid) ?? notFound('Call');

  if (rest.length === 1 && rest[0] === 'Call') {
    allow('POST');
    return makeCall(host, jsonObject(req, body));
  }
  if (rest[0] !== 'Call' || rest.length < 2 || rest.length > 4)
    throw new RestError(404, 'not found');
  const uuid = decodeSegment(rest[1] as string);
  if (rest.length === 2) {
    allow('DELETE');
    const found = call(uuid);
    if (!found.live) notFound('Call');
    found.hangup('api-hangup');
    return { status: 204 };
  }
  if (rest[2] !== 'Stream') throw new RestError(404, 'not found');
  const found = call(uuid);
  if (rest.length === 3) {
    allow('POST', 'GET', 'DELETE');
    if (method === 'GET') return listStreams(host, found, query);
    if (method === 'DELETE') {
      for (const stream of found.streams) stream.stop('stopped');
      return { status: 204 };
    }
    return startStream(host, found, jsonObject(req, body));
  }
  allow('GET', 'DELETE');
  const streamId = decodeSegment(rest[3] as string);
  const stream = found.streams.find((s) => s.streamId === streamId) ?? notFound('Stream');
  if (method === 'DELETE') {
    if (!stream.live) notFound('Stream');
    stream.stop('stopped');
    return { status: 204 };
  }
  return { status: 200, body: { api_id: randomUUID(), ...streamRecord(stream, uuid, options) } };
}

function startStream(host: RestHost, call: FakeCall, body: Record<string, unknown>): Reply {
  const { options } = host;
  if (!call.live)
    throw new RestError(404, options.platform === 'vobiz' ? 'Call not found' : 'not found');
  const checked = streamSpecFromRest(body, options.platform);
  if (checked.errors !== undefined) throw new RestError(400, checked.errors.join('; '));
  const { spec } = checked;
  if (call.streams.some((s) => s.live && s.spec.serviceUrl === spec.serviceUrl)) {
    throw new RestError(400, 'an active stream already exists at this service_url');
  }
  const stream = call.startStream(spec, 'rest');
  const message = options.platform === 'vobiz' ? 'Stream started' : 'audio streaming started';
  return {
    status: 202,
    body: { api_id: randomUUID(), message, stream_id: stream.streamId },
  };
}

function listStreams(host: RestHost, call: FakeCall, query: URLSearchParams): Reply {
  const { options } = host;
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = query.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      throw new RestError(400, `${name} must be an integer from ${min} to ${max}`);
    }
    return n;
  };
  const limit = number('limit', LIST_MAX, 1, LIST_MAX);
  const offset = number('offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const total = call.streams.length;
  const objects = call.streams
    .slice(offset, offset + limit)
    .map((s) => ({ api_id: randomUUID(), ...streamRecord(s, call.callUuid, options) }));
  if (options.platform === 'vobiz') {
    const page = Math.floor(offset / limit) + 1;
    return { status: 200, body: { api_id: randomUUID(), page, per_page: limit, total, objects } };
  }
  const base = resourceUri(options.authId, call.callUuid);
  const link = (at: number): string => `${base}?limit=${limit}&offset=${at}`;
  const meta = {
    limit,
    next: offset + limit < total ? link(offset + limit) : null,
    offset,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    total_count: total,
  };
  return { status: 200, body: { api_id: randomUUID(), meta, objects } };
}

function makeCall(host: RestHost, body: Record<string, unknown>): Reply {
  const text = (key: string): string | undefined => {
    const v = body[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new RestError(400, `${key} must be a string`);
    return v;
  };
  const answerUrl = text('answer_url');
  if (answerUrl !== undefined && !/^https?:\/\/./i.test(answerUrl)) {
    throw new RestError(400, 'answer_url must be an http:// or https:// URL');
  }
  const method = text('answer_method') ?? 'POST';
  if (method !== 'GET' && method !== 'POST')
    throw new RestError(400, 'answer_method must be GET or POST');
  const call = host.createCall({
    from: text('from'),
    to: text('to'),
    answerUrl,
    answerMethod: method,
  });
  return {
    status: 201,
    body: { api_id: randomUUID(), message: 'call fired', request_uuid: call.callUuid },
  };
}

function authenticate(
  options: ResolvedPlatformOptions,
  req: IncomingMessage,
  account: string,
): void {
  let id: string | undefined;
  let token: string | undefined;
  if (options.platform === 'vobiz') {
    id = single(req.headers['x-auth-id']);
    token = single(req.headers['x-auth-token']);
  } else {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(single(req.headers.authorization) ?? '');
    const decoded = match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon > 0) [id, token] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }
  if (id !== options.authId || token !== options.authToken || account !== options.authId) {
    const headers: Record<string, string> =
      options.platform === 'plivo' ? { 'WWW-Authenticate': 'Basic realm="fake plivo"' } : {};
    throw new RestError(401, 'authentication failed', headers);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RestError(404, 'not found');
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The path and query of a request target, origin-form or absolute-form. */
function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  const rest = absolute ? target.slice(absolute[0].length) || '/' : target;
  const question = rest.indexOf('?');
  const path = question === -1 ? rest : rest.slice(0, question);
  return { path, query: new URLSearchParams(question === -1 ? '' : rest.slice(question + 1)) };
}

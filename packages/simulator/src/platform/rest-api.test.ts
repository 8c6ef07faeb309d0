import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startTestServer } from '../test-helpers.js';
import type { TestServer } from '../test-helpers.js';
import { startFakePlatform } from './fake-platform.js';
import type { FakePlatform } from './fake-platform.js';
import type { Platform } from './platform-options.js';

const AUTH_ID = 'MAODUZYTQ0Y2M5ZGE1MD';
const TOKEN = 'MzYxNjk0YjA5OTMxNzg5ZGVlMjk0NTVlNzRhMWZi';
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

let clockMs = T0;
let ws: TestServer;
afterEach(() => {
  clockMs = T0;
});

async function start(platform: Platform = 'plivo'): Promise<FakePlatform> {
  ws = await startTestServer();
  onTestFinished(() => ws.close());
  const fake = await startFakePlatform({
    platform,
    authId: AUTH_ID,
    authToken: TOKEN,
    clock: () => clockMs,
  });
  onTestFinished(() => fake.close());
  return fake;
}

function credentials(platform: Platform, id = AUTH_ID, token = TOKEN): Record<string, string> {
  return platform === 'vobiz'
    ? { 'X-Auth-ID': id, 'X-Auth-Token': token }
    : { Authorization: `Basic ${Buffer.from(`${id}:${token}`).toString('base64')}` };
}

async function rest(
  fake: FakePlatform,
  method: string,
  path: string,
  options: { json?: unknown; headers?: Record<string, string>; raw?: string } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {
    ...credentials(fake.platform),
    ...(options.json !== undefined && { 'Content-Type': 'application/json' }),
    ...options.headers,
  };
  const res = await fetch(new URL(path, fake.baseUrl), {
    method,
    headers,
    body: options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('fake platform REST (plivo)', () => {
  it('starts a stream on a live call, shows its record from the clock, lists it and stops it', async () => {
    const fake = await start();
    const call = fake.createCall({ callUuid: 'call-1' });
    const started = await rest(fake, 'POST', 'Call/call-1/Stream/', {
      json: {
        service_url: `${ws.url}?x=1`,
        bidirectional: true,
        audio_track: 'inbound',
        content_type: 'audio/x-l16;rate=16000',
        stream_timeout: 120,
        extra_headers: 'tenant=acme,agent=42',
      },
    });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({
      api_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      message: 'audio streaming started',
      stream_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const streamId = started.body.stream_id as string;
    const peer = await ws.peer;
    const startMessage = await peer.next((m) => m.event === 'start');
    expect(startMessage).toMatchObject({
      sequenceNumber: 1,
      start: {
        callId: 'call-1',
        streamId,
        accountId: AUTH_ID,
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 },
      },
      extra_headers: 'tenant=acme;agent=42',
    });
    expect(peer.req.url).toBe('/stream?x=1');

    clockMs = T0 + 61_500;
    const stopped = await rest(fake, 'DELETE', `Call/call-1/Stream/${streamId}`);
    expect(stopped).toEqual({ status: 204, body: undefined });
    await call.streams[0]?.done;

    const record = await rest(fake, 'GET', `Call/call-1/Stream/${streamId}`);
    expect(record.status).toBe(200);
    expect(record.body).toEqual({
      api_id: expect.any(String),
      audio_track: 'inbound',
      bidirectional: true,
      bill_duration: 61,
      billed_amount: '0.00600',
      call_uuid: 'call-1',
      content_type: 'audio/x-l16;rate=16000',
      created_at: '2026-01-02 03:04:05.678000+00:00',
      end_time: '2026-01-02 03:05:07+00:00',
      plivo_auth_id: AUTH_ID,
      resource_uri: `/v1/Account/${AUTH_ID}/Call/call-1/Stream/${streamId}/`,
      rounded_bill_duration: 120,
      service_url: `${ws.url}?x=1`,
      start_time: '2026-01-02 03:04:05+00:00',
      status: 'completed',
      status_callback_method: 'POST',
      status_callback_url: '',
      stream_id: streamId,
      stream_timeout: 120,
    });

    const list = await rest(fake, 'GET', 'Call/call-1/Stream/');
    expect(list.status).toBe(200);
    expect(list.body.meta).toEqual({
      limit: 20,
      next: null,
      offset: 0,
      previous: null,
      total_count: 1,
    });
    expect(list.body.objects).toEqual([{ ...record.body, api_id: expect.any(String) }]);
    // a stopped stream cannot be stopped again
    expect(await rest(fake, 'DELETE', `Call/call-1/Stream/${streamId}/`)).toEqual({
      status: 404,
      body: { api_id: expect.any(String), error: 'not found' },
    });
  });

  it('pages the list with limit and offset, with next and previous links', async () => {
    const fake = await start();
    fake.createCall({ callUuid: 'c' });
    for (let i = 0; i < 5; i++) {
      const r = await rest(fake, 'POST', 'Call/c/Stream/', {
        json: { service_url: `${ws.url}?n=${i}` },
      });
      expect(r.status).toBe(202);
    }
    const page = await rest(fake, 'GET', 'Call/c/Stream/?limit=2&offset=2');
    expect(page.body.meta).toEqual({
      limit: 2,
      next: `/v1/Account/${AUTH_ID}/Call/c/Stream/?limit=2&offset=4`,
      offset: 2,
      previous: `/v1/Account/${AUTH_ID}/Call/c/Stream/?limit=2&offset=0`,
      total_count: 5,
    });
    expect(page.body.objects.map((o: { service_url: string }) => o.service_url)).toEqual([
      `${ws.url}?n=2`,
      `${ws.url}?n=3`,
    ]);
    expect((await rest(fake, 'GET', 'Call/c/Stream?limit=21')).status).toBe(400);
    expect((await rest(fake, 'GET', 'Call/c/Stream?offset=-1')).status).toBe(400);
    // stop all: every live stream, then again (idempotent)
    expect((await rest(fake, 'DELETE', 'Call/c/Stream/')).status).toBe(204);
    expect((await rest(fake, 'DELETE', 'Call/c/Stream')).status).toBe(204);
    const all = await rest(fake, 'GET', 'Call/c/Stream/?limit=20');
    await Promise.all(fake.calls.get('c')!.streams.map((s) => s.done));
    const after = await rest(fake, 'GET', 'Call/c/Stream/');
    expect(all.body.meta.total_count).toBe(5);
    expect(after.body.objects.map((o: { status: string }) => o.status)).toEqual(
      Array(5).fill('completed'),
    );
  });

  it.each([
    ['no service_url', {}, 'service_url is required (a ws:// or wss:// URL)'],
    [
      'an http service_url',
      { service_url: 'http://x/' },
      'service_url must be a ws:// or wss:// URL, got http://x/',
    ],
    [
      'bidirectional with audio_track both',
      { service_url: 'wss://x/', bidirectional: true, audio_track: 'both' },
      'audio_track must be inbound when bidirectional is true',
    ],
    [
      'bidirectional with audio_track outbound',
      { service_url: 'wss://x/', bidirectional: 'true', audio_track: 'outbound' },
      'audio_track must be inbound when bidirectional is true',
    ],
    [
      'bad extra_headers',
      { service_url: 'wss://x/', extra_headers: 'a=1,b=c d' },
      'extra_headers must be k=v pairs of letters and digits separated by commas, got "b=c d"',
    ],
    [
      'extra_headers not a string',
      { service_url: 'wss://x/', extra_headers: { a: '1' } },
      'extra_headers must be a string of k=v pairs separated by commas',
    ],
    [
      'a zero stream_timeout',
      { service_url: 'wss://x/', stream_timeout: 0 },
      'stream_timeout must be a positive integer (seconds)',
    ],
    [
      'a bad content_type',
      { service_url: 'wss://x/', content_type: 'audio/x-mulaw' },
      'content_type must be one of audio/x-l16;rate=8000, audio/x-l16;rate=16000, audio/x-mulaw;rate=8000',
    ],
    [
      'a bad noise_cancellation_level',
      { service_url: 'wss://x/', noise_cancellation: 'true', noise_cancellation_level: 50 },
      'noise_cancellation_level must be an integer from 60 to 100',
    ],
  ])('answers 400 to a start with %s', async (_name, json, error) => {
    const fake = await start();
    fake.createCall({ callUuid: 'c' });
    expect(await rest(fake, 'POST', 'Call/c/Stream/', { json })).toEqual({
      status: 400,
      body: { api_id: expect.any(String), error },
    });
    expect(fake.calls.get('c')!.streams).toEqual([]);
  });

  it('answers 400 to a second start at the URL of an active stream, and accepts it once that one ended', async () => {
    const fake = await start();
    fake.createCall({ callUuid: 'c' });
    const json = { service_url: ws.url };
    const first = await rest(fake, 'POST', 'Call/c/Stream/', { json });
    expect(first.status).toBe(202);
    expect(await rest(fake, 'POST', 'Call/c/Stream/', { json })).toEqual({
      status: 400,
      body: {
        api_id: expect.any(String),
        error: 'an active stream already exists at this service_url',
      },
    });
    await rest(fake, 'DELETE', `Call/c/Stream/${first.body.stream_id}/`);
    expect((await rest(fake, 'POST', 'Call/c/Stream/', { json })).status).toBe(202);
  });

  it('answers 401 to wrong or missing credentials and to another account, before anything else', async () => {
    const fake = await start();
    fake.createCall({ callUuid: 'c' });
    const wrong = [
      credentials('plivo', AUTH_ID, 'wrong'),
      credentials('plivo', 'MAYYYYYYYYYYYYYYYYYY', TOKEN),
      { Authorization: 'Bearer x' },
      { Authorization: 'Basic !!!' },
    ];
    for (const headers of wrong) {
      const res = await rest(fake, 'GET', 'Call/c/Stream/', { headers });
      expect(res).toEqual({
        status: 401,
        body: { api_id: expect.any(String), error: 'authentication failed' },
      });
    }
    const noAuth = await fetch(`${fake.baseUrl}Call/c/Stream/`);
    expect([noAuth.status, noAuth.headers.get('www-authenticate')]).toEqual([
      401,
      'Basic realm="fake plivo"',
    ]);
    const other = await fetch(`${fake.origin}/v1/Account/MAYYYYYYYYYYYYYYYYYY/Call/c/Stream/`, {
      headers: credentials('plivo'),
    });
    expect(other.status).toBe(401);
  });

  it('answers 404 with the platform error body to unknown calls, streams and paths, and 405 to other methods', async () => {
    const fake = await start();
    fake.createCall({ callUuid: 'c' });
    const notFound = { status: 404, body: { api_id: expect.any(String), error: 'not found' } };
    expect(await rest(fake, 'GET', 'Call/nope/Stream/')).toEqual(notFound);
    expect(await rest(fake, 'GET', 'Call/c/Stream/nope')).toEqual(notFound);
    expect(await rest(fake, 'DELETE', 'Call/c/Stream/nope/')).toEqual(notFound);
    expect(
      await rest(fake, 'POST', 'Call/nope/Stream/', { json: { service_url: ws.url } }),
    ).toEqual(notFound);
    expect(await rest(fake, 'GET', 'Call/c/Recording/')).toEqual(notFound);
    expect(await rest(fake, 'GET', 'Call/%E0%A4%A/Stream/')).toEqual(notFound);
    const put = await fetch(`${fake.baseUrl}Call/c/Stream/`, {
      method: 'PUT',
      headers: credentials('plivo'),
    });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'POST, GET, DELETE']);
    const elsewhere = await fetch(`${fake.origin}/favicon.ico`);
    expect(elsewhere.status).toBe(404);
  });

  it('hangs up a call with DELETE Call/{uuid}/: its streams end without callbacks, a second hangup is a 404', async () => {
    const fake = await start();
    const call = fake.createCall({ callUuid: 'c' });
    await rest(fake, 'POST', 'Call/c/Stream/', { json: { service_url: ws.url } });
    await ws.peer;
    expect((await rest(fake, 'DELETE', 'Call/c/')).status).toBe(204);
    const result = await call.done;
    expect(result.end).toBe('api-hangup');
    expect(result.streams.map((s) => s.end)).toEqual(['call-ended']);
    expect((await rest(fake, 'DELETE', 'Call/c')).status).toBe(404);
    expect(
      (await rest(fake, 'POST', 'Call/c/Stream/', { json: { service_url: ws.url } })).status,
    ).toBe(404);
  });

  it('places a call with POST Call/ and records every request with its answer', async () => {
    const fake = await start();
    const made = await rest(fake, 'POST', 'Call/', { json: { from: '+1555', to: '+1666' } });
    expect(made).toEqual({
      status: 201,
      body: { api_id: expect.any(String), message: 'call fired', request_uuid: expect.any(String) },
    });
    const call = fake.calls.get(made.body.request_uuid);
    expect([call?.from, call?.to, call?.live]).toEqual(['+1555', '+1666', true]);
    expect(fake.requests.map((r) => [r.method, r.url, r.status])).toEqual([
      ['POST', `/v1/Account/${AUTH_ID}/Call/`, 201],
    ]);
    expect(fake.requests[0]?.body).toBe('{"from":"+1555","to":"+1666"}');
    expect(fake.requests[0]?.response).toEqual(made.body);
  });

  it('accepts absolute-form request targets', async () => {
    const fake = await start();
    fake.createCall({ callUuid: 'c' });
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(fake.origin, {
        path: `https://api.plivo.com/v1/Account/${AUTH_ID}/Call/c/Stream/`,
        headers: credentials('plivo'),
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});

describe('fake platform REST (vobiz)', () => {
  it('serves the Vobiz paths with X-Auth headers, its bodies, status codes and list shape', async () => {
    const fake = await start('vobiz');
    expect(fake.baseUrl).toBe(`${fake.origin}/api/v1/Account/${AUTH_ID}/`);
    fake.createCall({ callUuid: 'c' });
    const started = await rest(fake, 'POST', 'Call/c/Stream/', {
      json: { service_url: ws.url, content_type: 'audio/x-mulaw;rate=8000' },
    });
    expect(started).toEqual({
      status: 202,
      body: {
        api_id: expect.any(String),
        message: 'Stream started',
        stream_id: expect.any(String),
      },
    });
    const startMessage = await (await ws.peer).next((m) => m.event === 'start');
    expect(startMessage).toMatchObject({ sequenceNumber: 0, extra_headers: '{}' });
    const id = started.body.stream_id as string;
    const record = await rest(fake, 'GET', `Call/c/Stream/${id}/`);
    expect(record.body).toMatchObject({
      account_id: AUTH_ID,
      sampling_rate: 8000,
      status: 'in-progress',
      created_at: '2026-01-02T03:04:05Z',
      start_time: '2026-01-02T03:04:05Z',
      end_time: null,
      resource_uri: `/v1/Account/${AUTH_ID}/Call/c/Stream/${id}/`,
    });
    expect(record.body.plivo_auth_id).toBeUndefined();
    const list = await rest(fake, 'GET', 'Call/c/Stream/?limit=5&offset=0');
    expect(list.body).toEqual({
      api_id: expect.any(String),
      page: 1,
      per_page: 5,
      total: 1,
      objects: [{ ...record.body, api_id: expect.any(String) }],
    });
    expect(await rest(fake, 'DELETE', 'Call/c/Stream/unknown/')).toEqual({
      status: 404,
      body: { api_id: expect.any(String), error: 'Stream not found' },
    });
    expect(await rest(fake, 'GET', 'Call/zzz/Stream/')).toEqual({
      status: 404,
      body: { api_id: expect.any(String), error: 'Call not found' },
    });
    expect((await rest(fake, 'DELETE', `Call/c/Stream/${id}/`)).status).toBe(204);
    expect((await rest(fake, 'DELETE', 'Call/c/Stream/')).status).toBe(204);
  });

  it('refuses Basic auth and wrong tokens with 401', async () => {
    const fake = await start('vobiz');
    fake.createCall({ callUuid: 'c' });
    const basic = await rest(fake, 'GET', 'Call/c/Stream/', {
      headers: { 'X-Auth-ID': '', 'X-Auth-Token': '', ...credentials('plivo') },
    });
    expect(basic.status).toBe(401);
    const wrong = await rest(fake, 'GET', 'Call/c/Stream/', {
      headers: credentials('vobiz', AUTH_ID, 'x'),
    });
    expect(wrong).toEqual({
      status: 401,
      body: { api_id: expect.any(String), error: 'authentication failed' },
    });
    // the Plivo path does not exist on Vobiz
    const plivoPath = await fetch(`${fake.origin}/v1/Account/${AUTH_ID}/Call/c/Stream/`, {
      headers: credentials('vobiz'),
    });
    expect(plivoPath.status).toBe(404);
  });
});

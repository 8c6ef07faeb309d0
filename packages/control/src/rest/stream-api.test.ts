import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallstreamError } from '@callstream/core';
import { describe, expect, it } from 'vitest';
import { PlatformError } from './platform-error.js';
import { createStreamApi, type StreamApiOptions } from './stream-api.js';
import { apiServer, json, noContent, type Received } from './test-helpers.js';

const AUTH_ID = 'MAODUZYTQ0Y2M5ZGE1MD';
const TOKEN = 'MzYxNjk0YjA5OTMxNzg5ZGVlMjk0NTVlNzRhMWZi';
const BASIC = `Basic ${Buffer.from(`${AUTH_ID}:${TOKEN}`).toString('base64')}`;

function api(base: string, extra: Partial<StreamApiOptions> = {}) {
  return createStreamApi({
    platform: 'plivo',
    authId: AUTH_ID,
    authToken: TOKEN,
    baseUrl: base,
    retryDelayMs: 1,
    ...extra,
  });
}

async function rejection(promise: Promise<unknown>): Promise<CallstreamError> {
  const err: unknown = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallstreamError);
  return err as CallstreamError;
}

const PLIVO_STREAM = {
  api_id: 'b1d4d5c6-1111-2222-3333-444455556666',
  audio_track: 'both',
  bidirectional: false,
  bill_duration: 10,
  billed_amount: '0.00300',
  call_uuid: 'c-1',
  created_at: '2023-06-26 02:44:50.617032+00:00',
  end_time: '2023-06-26 08:14:50+05:30',
  plivo_auth_id: AUTH_ID,
  resource_uri: `/v1/Account/${AUTH_ID}/Call/c-1/Stream/s-1/`,
  rounded_bill_duration: 60,
  service_url: 'wss://bot.example.com/stream',
  start_time: '2023-06-26 08:14:40+05:30',
  stream_id: 's-1',
  something_new: { nested: true },
};

describe('createStreamApi: requests on the wire', () => {
  it('plivo start: POST with Basic auth and the exact snake_case JSON body', async () => {
    const { received, base } = await apiServer(
      json(202, { api_id: 'a-1', message: 'audio streaming started', stream_id: 's-9' }),
    );
    const started = await api(base).start('c-1', {
      serviceUrl: 'wss://example.com/ws?a=1&b=2',
      bidirectional: true,
      audioTrack: 'inbound',
      streamTimeout: 120,
      statusCallbackUrl: 'https://cb/x',
      statusCallbackMethod: 'POST',
      contentType: 'audio/x-l16;rate=16000',
      extraHeaders: { a: '1', b: '2' },
      noiseCancellation: true,
      noiseCancellationLevel: 85,
    });
    expect(started).toEqual({
      streamId: 's-9',
      apiId: 'a-1',
      message: 'audio streaming started',
      raw: { api_id: 'a-1', message: 'audio streaming started', stream_id: 's-9' },
    });
    expect(received).toHaveLength(1);
    const [req] = received as [Received];
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/v1/Account/${AUTH_ID}/Call/c-1/Stream/`);
    expect(req.headers.authorization).toBe(BASIC);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-auth-id']).toBeUndefined();
    expect(req.body).toBe(
      '{"service_url":"wss://example.com/ws?a=1&b=2","bidirectional":true,"audio_track":"inbound","stream_timeout":120,"status_callback_url":"https://cb/x","status_callback_method":"POST","content_type":"audio/x-l16;rate=16000","extra_headers":"a=1,b=2","noise_cancellation":"true","noise_cancellation_level":85}',
    );
  });

  it("vobiz start: POST under /api/v1 with X-Auth-ID/X-Auth-Token and no Authorization; 'true' becomes a JSON boolean", async () => {
    const { received, base } = await apiServer(
      json(202, { stream_id: 'str_1', message: 'Stream started' }),
    );
    const started = await api(base, { platform: 'vobiz', authId: 'MA_PU0XU668' }).start('c-2', {
      serviceUrl: 'wss://bot.example.com/s',
      bidirectional: 'true',
      contentType: 'audio/x-l16;rate=24000',
    });
    expect(started.streamId).toBe('str_1');
    const [req] = received as [Received];
    expect([req.method, req.url]).toEqual(['POST', '/api/v1/Account/MA_PU0XU668/Call/c-2/Stream/']);
    expect(req.headers['x-auth-id']).toBe('MA_PU0XU668');
    expect(req.headers['x-auth-token']).toBe(TOKEN);
    expect(req.headers.authorization).toBeUndefined();
    expect(req.body).toBe(
      '{"service_url":"wss://bot.example.com/s","bidirectional":true,"content_type":"audio/x-l16;rate=24000"}',
    );
  });

  it('vobiz get, list, stop, stopAll and hangup: the same paths under /api/v1, with the X-Auth headers', async () => {
    const { received, base } = await apiServer((res, req) =>
      req.method === 'DELETE' ? noContent()(res, req, 0) : json(200, PLIVO_STREAM)(res, req, 0),
    );
    const client = api(base, { platform: 'vobiz' });
    await client.get('c-3', 'str_1');
    await client.list('c-3', { limit: 2 });
    await client.stop('c-3', 'str_1');
    await client.stopAll('c-3');
    await client.hangup('c-3');
    const prefix = `/api/v1/Account/${AUTH_ID}/Call/c-3/`;
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${prefix}Stream/str_1/`,
      `GET ${prefix}Stream/?limit=2`,
      `DELETE ${prefix}Stream/str_1/`,
      `DELETE ${prefix}Stream/`,
      `DELETE ${prefix}`,
    ]);
    for (const req of received) {
      expect([
        req.headers['x-auth-id'],
        req.headers['x-auth-token'],
        req.headers.authorization,
      ]).toEqual([AUTH_ID, TOKEN, undefined]);
    }
  });

  it('get, list, stop, stopAll and hangup use the documented methods and paths, ids URL-encoded, no body', async () => {
    const { received, base } = await apiServer((res, req) => {
      if (req.method === 'DELETE') return noContent()(res, req, 0);
      if (req.url.includes('/Stream/s')) return json(200, PLIVO_STREAM)(res, req, 0);
      return json(200, { api_id: 'l', meta: { total_count: 0 }, objects: [] })(res, req, 0);
    });
    const client = api(base);
    const call = 'a/b?c#d';
    await client.get(call, 's 1/x');
    await client.list(call, { limit: 5, offset: 10 });
    await client.list('c-1');
    await client.stop(call, 's-1');
    await client.stopAll(call);
    await client.hangup(call);
    const prefix = `/v1/Account/${AUTH_ID}/Call/`;
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${prefix}a%2Fb%3Fc%23d/Stream/s%201%2Fx/`,
      `GET ${prefix}a%2Fb%3Fc%23d/Stream/?limit=5&offset=10`,
      `GET ${prefix}c-1/Stream/`,
      `DELETE ${prefix}a%2Fb%3Fc%23d/Stream/s-1/`,
      `DELETE ${prefix}a%2Fb%3Fc%23d/Stream/`,
      `DELETE ${prefix}a%2Fb%3Fc%23d/`,
    ]);
    for (const req of received) {
      expect(req.body).toBe('');
      expect(req.headers['content-type']).toBeUndefined();
      expect(req.headers.authorization).toBe(BASIC);
    }
  });

  it('forms paths under any baseUrl: an origin, a prefix, or an account base', async () => {
    const { received, base } = await apiServer(noContent());
    await api(base).stopAll('c');
    await api(`${base}/`).stopAll('c');
    await api(`${base}/proxy/plivo`).stopAll('c');
    await api(`${base}/v1/Account/${AUTH_ID}/`).stopAll('c');
    await api(`${base}/v1/Account/${AUTH_ID}`).stopAll('c');
    await api(base, { platform: 'vobiz' }).stopAll('c');
    await api(`${base}/api/v1/Account/${AUTH_ID}/`, { platform: 'vobiz' }).stopAll('c');
    expect(received.map((r) => r.url)).toEqual([
      `/v1/Account/${AUTH_ID}/Call/c/Stream/`,
      `/v1/Account/${AUTH_ID}/Call/c/Stream/`,
      `/proxy/plivo/v1/Account/${AUTH_ID}/Call/c/Stream/`,
      `/v1/Account/${AUTH_ID}/Call/c/Stream/`,
      `/v1/Account/${AUTH_ID}/Call/c/Stream/`,
      `/api/v1/Account/${AUTH_ID}/Call/c/Stream/`,
      `/api/v1/Account/${AUTH_ID}/Call/c/Stream/`,
    ]);
  });

  it('sends through the fetch option when one is given', async () => {
    const { received, base } = await apiServer(noContent());
    const seen: string[] = [];
    const client = api(base, {
      fetch: (input, init) => {
        seen.push(`${init?.method} ${String(input)}`);
        return fetch(input, init);
      },
    });
    await client.hangup('c-7');
    expect(seen).toEqual([`DELETE ${base}/v1/Account/${AUTH_ID}/Call/c-7/`]);
    expect(received).toHaveLength(1);
  });
});

describe('createStreamApi: answers', () => {
  it('maps a Plivo stream object to camelCase, accountId from plivo_auth_id, keeping raw', async () => {
    const { base } = await apiServer(json(200, PLIVO_STREAM));
    expect(await api(base).get('c-1', 's-1')).toEqual({
      streamId: 's-1',
      callUuid: 'c-1',
      serviceUrl: 'wss://bot.example.com/stream',
      audioTrack: 'both',
      bidirectional: false,
      startTime: '2023-06-26 08:14:40+05:30',
      endTime: '2023-06-26 08:14:50+05:30',
      createdAt: '2023-06-26 02:44:50.617032+00:00',
      billDuration: 10,
      roundedBillDuration: 60,
      billedAmount: '0.00300',
      accountId: AUTH_ID,
      resourceUri: `/v1/Account/${AUTH_ID}/Call/c-1/Stream/s-1/`,
      apiId: 'b1d4d5c6-1111-2222-3333-444455556666',
      raw: PLIVO_STREAM,
    });
  });

  it('maps a Vobiz stream object: accountId from account_id, numbers given as strings', async () => {
    const vobiz = {
      stream_id: 'str_1',
      call_uuid: 'c-2',
      account_id: 'MA_PU0XU668',
      status: 'in-progress',
      sampling_rate: '16000',
      stream_timeout: 86400,
      bidirectional: 'true',
      bill_duration: '12',
      status_callback_url: 'https://app/s',
      status_callback_method: 'POST',
      start_time: '2026-04-24T09:25:00Z',
    };
    const { base } = await apiServer(json(200, vobiz));
    const record = await api(base, { platform: 'vobiz' }).get('c-2', 'str_1');
    expect(record).toMatchObject({
      streamId: 'str_1',
      accountId: 'MA_PU0XU668',
      status: 'in-progress',
      samplingRate: 16000,
      streamTimeout: 86400,
      bidirectional: true,
      billDuration: 12,
      statusCallbackUrl: 'https://app/s',
      statusCallbackMethod: 'POST',
      startTime: '2026-04-24T09:25:00Z',
    });
    expect(record.raw).toEqual(vobiz);
  });

  it.each([
    [
      'Plivo meta.total_count',
      {
        api_id: 'x',
        meta: { limit: 20, offset: 0, total_count: 2, next: null },
        objects: [PLIVO_STREAM, { ...PLIVO_STREAM, stream_id: 's-2' }],
      },
      { total: 2, limit: 20, offset: 0, apiId: 'x' },
    ],
    [
      'the SDK fixture meta.count',
      { meta: { count: 2 }, objects: [PLIVO_STREAM, { ...PLIVO_STREAM, stream_id: 's-2' }] },
      { total: 2 },
    ],
    [
      'Vobiz page/per_page/total',
      {
        page: 1,
        per_page: 20,
        total: 2,
        objects: [PLIVO_STREAM, { ...PLIVO_STREAM, stream_id: 's-2' }],
      },
      { total: 2, limit: 20 },
    ],
  ])('lists with totals from %s', async (_name, body, expected) => {
    const { base } = await apiServer(json(200, body));
    const list = await api(base).list('c-1');
    expect(list.objects.map((o) => o.streamId)).toEqual(['s-1', 's-2']);
    expect(list).toMatchObject(expected);
    expect(list.raw).toEqual(body);
  });

  it('lists a single stream object (older Vobiz docs) as a list of one', async () => {
    const { base } = await apiServer(json(200, PLIVO_STREAM));
    const list = await api(base).list('c-1');
    expect(list.objects.map((o) => o.streamId)).toEqual(['s-1']);
    expect(list.total).toBe(1);
  });

  it('rejects a 2xx start answer without stream_id, and a get answer that is no stream object', async () => {
    const { base } = await apiServer(json(202, { api_id: 'a-2', message: 'ok' }));
    const err = await rejection(api(base).start('c', { serviceUrl: 'wss://x/y' }));
    expect(err).toMatchObject({ code: 'ERR_PLATFORM_HTTP', status: 202, apiId: 'a-2' });
    expect(err.message).toContain('without a stream_id');
    const get = await rejection(api(base).get('c', 's'));
    expect(get).toMatchObject({ code: 'ERR_PLATFORM_HTTP', status: 202 });
  });
});

describe('createStreamApi: errors', () => {
  it('maps an error status to ERR_PLATFORM_HTTP with status, apiId, error text and body', async () => {
    const body = { api_id: 'e-1', error: 'Stream not found' };
    const { base } = await apiServer(json(404, body));
    const err = await rejection(api(base, { platform: 'vobiz' }).stop('c-1', 'nope'));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({
      code: 'ERR_PLATFORM_HTTP',
      status: 404,
      apiId: 'e-1',
      error: 'Stream not found',
      body,
      method: 'DELETE',
      url: `${base}/api/v1/Account/${AUTH_ID}/Call/c-1/Stream/nope/`,
    });
    expect(err.message).toBe(
      `DELETE ${base}/api/v1/Account/${AUTH_ID}/Call/c-1/Stream/nope/ answered 404: Stream not found`,
    );
  });

  it('keeps a text error body as the error text, and an empty one as no text', async () => {
    const { base } = await apiServer((res, _req, i) => {
      if (i === 0) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('bad gateway upstream');
      } else {
        res.writeHead(401);
        res.end();
      }
    });
    const text = await rejection(api(base).start('c', { serviceUrl: 'wss://x/y' }));
    expect(text).toMatchObject({
      status: 400,
      error: 'bad gateway upstream',
      body: 'bad gateway upstream',
    });
    const empty = await rejection(api(base).start('c', { serviceUrl: 'wss://x/y' }));
    expect(empty).toMatchObject({
      status: 401,
      error: undefined,
      body: undefined,
      apiId: undefined,
    });
  });

  it('does not follow a redirect with the credentials: a 3xx is an ERR_PLATFORM_HTTP', async () => {
    const { received, base } = await apiServer((res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      res.end();
    });
    expect(await rejection(api(base).get('c', 's'))).toMatchObject({
      code: 'ERR_PLATFORM_HTTP',
      status: 302,
    });
    expect(received).toHaveLength(1);
  });

  it('refuses an answer body over 1 MiB, declared or streamed, without reading it all', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const { base } = await apiServer((res, _req, i) => {
      if (i === 0) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': big.length });
        res.end(big);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }); // chunked
        res.write(big.subarray(0, 600_000));
        res.end(big.subarray(600_000));
      }
    });
    for (let i = 0; i < 2; i++) {
      const err = await rejection(api(base).get('c', 's'));
      expect(err).toMatchObject({ code: 'ERR_PLATFORM_HTTP', status: 200 });
      expect(err.message).toContain('larger than 1048576 bytes');
    }
  });

  it('never retries a POST, even on 5xx or a dropped connection', async () => {
    const { received, base } = await apiServer(json(500, { api_id: 'p', error: 'server error' }));
    const err = await rejection(api(base, { retries: 5 }).start('c', { serviceUrl: 'wss://x/y' }));
    expect(err).toMatchObject({ code: 'ERR_PLATFORM_HTTP', status: 500, error: 'server error' });
    expect(received).toHaveLength(1);

    const dropped = await apiServer((res) => res.socket?.destroy());
    const network = await rejection(
      api(dropped.base, { retries: 5 }).start('c', { serviceUrl: 'wss://x/y' }),
    );
    expect(network.code).toBe('ERR_PLATFORM_NETWORK');
    expect(dropped.received).toHaveLength(1);
  });

  it('retries GET and DELETE on 5xx up to `retries` times, then reports the last answer', async () => {
    const { received, base } = await apiServer((res, req, i) =>
      i < 2 ? json(503, { error: `busy ${i}` })(res, req, i) : json(200, PLIVO_STREAM)(res, req, i),
    );
    expect((await api(base).get('c-1', 's-1')).streamId).toBe('s-1');
    expect(received).toHaveLength(3);

    const failing = await apiServer(json(502, { api_id: 'z', error: 'still down' }));
    const err = await rejection(api(failing.base, { retries: 1 }).stop('c', 's'));
    expect(err).toMatchObject({ code: 'ERR_PLATFORM_HTTP', status: 502, error: 'still down' });
    expect(failing.received.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
  });

  it('does not retry a 4xx', async () => {
    const { received, base } = await apiServer(json(404, { error: 'not found' }));
    await rejection(api(base).get('c', 's'));
    expect(received).toHaveLength(1);
  });

  it('retries GET after a dropped connection and succeeds', async () => {
    const { received, base } = await apiServer((res, req, i) =>
      i === 0 ? res.socket?.destroy() : json(200, PLIVO_STREAM)(res, req, i),
    );
    expect((await api(base).get('c-1', 's-1')).streamId).toBe('s-1');
    expect(received).toHaveLength(2);
  });

  it('maps a refused connection to ERR_PLATFORM_NETWORK with the cause', async () => {
    const { port } = await apiServer(noContent());
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(deadPort).not.toBe(port);
    const err = await rejection(api(`http://127.0.0.1:${deadPort}`, { retries: 1 }).hangup('c'));
    expect(err.code).toBe('ERR_PLATFORM_NETWORK');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('times out with ERR_PLATFORM_TIMEOUT after timeoutMs, without retrying', async () => {
    const { received, base } = await apiServer(() => {
      /* never answers */
    });
    const started = Date.now();
    const err = await rejection(api(base, { timeoutMs: 150 }).get('c', 's'));
    expect(err).toMatchObject({ code: 'ERR_PLATFORM_TIMEOUT', method: 'GET' });
    expect(err.message).toContain('within 150 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(received).toHaveLength(1);
  });

  it('aborts with the signal: the promise rejects with its reason; an aborted signal sends nothing', async () => {
    const { received, base } = await apiServer(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const pending = api(base).get('c', 's', { signal: controller.signal });
    while (received.length === 0) await new Promise((r) => setTimeout(r, 5));
    const reason = new Error('caller hung up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(api(base).stopAll('c', { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(received).toHaveLength(1);
  });

  it('aborts during a retry wait', async () => {
    const { received, base } = await apiServer(json(500, {}));
    const controller = new AbortController();
    const pending = api(base, { retryDelayMs: 10_000 }).get('c', 's', {
      signal: controller.signal,
    });
    while (received.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(received).toHaveLength(1);
  });
});

describe('createStreamApi: validation before sending', () => {
  it.each([
    [{ serviceUrl: 'wss://x/y', bidirectional: true, audioTrack: 'both' }, '"audioTrack"'],
    [{ serviceUrl: 'wss://x/y', keepCallAlive: true }, '"keepCallAlive" (it is valid in XML only)'],
    [{ serviceUrl: 'wss://x/y', audio_track: 'inbound' }, 'Unknown stream parameter "audio_track"'],
    [{ serviceUrl: 'wss://x/y', extraHeaders: 'a=1;b=2' }, '"extraHeaders"'],
    [{ serviceUrl: 'wss://x/y', streamTimeout: 0 }, '"streamTimeout"'],
    [{ serviceUrl: 'https://x/y' }, '"serviceUrl"'],
    [{ bidirectional: true }, '"serviceUrl"'],
    [{ serviceUrl: 'wss://x/y', maxRetries: 2 }, '"maxRetries"'],
  ])('rejects %j with ERR_INVALID_STREAM_PARAMS and sends nothing', async (params, text) => {
    const { received, base } = await apiServer(json(202, { stream_id: 's' }));
    const err = await rejection(api(base).start('c', params as never));
    expect(err.code).toBe('ERR_INVALID_STREAM_PARAMS');
    expect(err.message).toContain(text);
    expect(received).toHaveLength(0);
  });

  it('rejects noiseCancellation on vobiz with the same rule as the XML', async () => {
    const { received, base } = await apiServer(json(202, { stream_id: 's' }));
    const err = await rejection(
      api(base, { platform: 'vobiz' }).start('c', {
        serviceUrl: 'wss://x/y',
        noiseCancellation: true,
      }),
    );
    expect(err.message).toContain('"noiseCancellation" is Plivo-only');
    expect(received).toHaveLength(0);
  });

  it.each([
    ['', 's'],
    ['..', 's'],
    ['c', '.'],
    [42, 's'],
  ])('rejects the ids %j, %j before sending', async (call, stream) => {
    const { received, base } = await apiServer(noContent());
    const err = await rejection(api(base).stop(call as string, stream));
    expect(err.code).toBe('ERR_INVALID_STREAM_PARAMS');
    expect(received).toHaveLength(0);
  });

  it('rejects a bad list query before sending', async () => {
    const { received, base } = await apiServer(noContent());
    for (const query of [{ limit: 0 }, { offset: -1 }, { limit: 1.5 }, { page: 2 }]) {
      const err = await rejection(api(base).list('c', query as never));
      expect(err.code).toBe('ERR_INVALID_STREAM_PARAMS');
    }
    expect(received).toHaveLength(0);
  });

  it('throws a TypeError naming the option for invalid options', () => {
    const good = { platform: 'plivo', authId: AUTH_ID, authToken: TOKEN } as const;
    const cases: [Partial<StreamApiOptions>, string][] = [
      [{ platform: 'twilio' as 'plivo' }, '"platform"'],
      [{ authId: '' }, '"authId"'],
      [{ authToken: undefined as unknown as string }, '"authToken"'],
      [{ baseUrl: 'ftp://x' }, '"baseUrl"'],
      [{ baseUrl: 'http://x/?a=1' }, '"baseUrl"'],
      [{ timeoutMs: 0 }, '"timeoutMs"'],
      [{ retries: -1 }, '"retries"'],
      [{ retryDelayMs: Number.NaN }, '"retryDelayMs"'],
      [{ fetch: 'no' as unknown as typeof fetch }, '"fetch"'],
    ];
    for (const [bad, name] of cases) {
      expect(() => createStreamApi({ ...good, ...bad })).toThrow(TypeError);
      expect(() => createStreamApi({ ...good, ...bad })).toThrow(name);
    }
  });
});

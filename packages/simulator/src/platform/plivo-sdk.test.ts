/**
 * The official plivo Node SDK against the fake, through the loopback recipe of CONTROL.md §2.5:
 * after plivo is loaded, its axios's `httpsAgent` opens plain TCP connections to the fake, so the
 * SDK's requests (`Host: api.plivo.com`, its own paths and auth) reach the fake unchanged.
 */
import { Agent } from 'node:https';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-helpers.js';
import type { TestServer } from '../test-helpers.js';
import { startFakePlatform } from './fake-platform.js';
import type { FakePlatform } from './fake-platform.js';

const AUTH_ID = 'MAODUZYTQ0Y2M5ZGE1MD';
const TOKEN = 'MzYxNjk0YjA5OTMxNzg5ZGVlMjk0NTVlNzRhMWZi';

const require = createRequire(import.meta.url);
const plivoPath = require.resolve('plivo');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const plivo = require(plivoPath) as { Client: new (id: string, token: string) => any };
const axios = createRequire(plivoPath)('axios') as { defaults: { httpsAgent: unknown } };

let fake: FakePlatform;
let ws: TestServer;
let savedAgent: unknown;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;

beforeAll(async () => {
  ws = await startTestServer();
  fake = await startFakePlatform({ authId: AUTH_ID, authToken: TOKEN });
  const port = Number(new URL(fake.origin).port);
  class Loopback extends Agent {
    override createConnection(): Socket {
      return connect(port, '127.0.0.1');
    }
  }
  savedAgent = axios.defaults.httpsAgent;
  axios.defaults.httpsAgent = new Loopback({ keepAlive: false });
  client = new plivo.Client(AUTH_ID, TOKEN);
});

afterAll(async () => {
  axios.defaults.httpsAgent = savedAgent;
  await fake.close();
  await ws.close();
});

describe('the plivo SDK against the fake platform', () => {
  it('starts, gets, lists, stops one and stops all streams', async () => {
    const call = fake.createCall({ callUuid: 'sdk-call-1' });
    const started = await client.calls.stream('sdk-call-1', `${ws.url}?sdk=1`, {
      bidirectional: true,
      audioTrack: 'inbound',
      contentType: 'audio/x-l16;rate=16000',
      streamTimeout: 120,
      extraHeaders: 'tenant=acme',
      keepCallAlive: true,
    });
    expect(started).toEqual({
      apiId: expect.any(String),
      message: 'audio streaming started',
      streamId: call.streams[0]?.streamId,
    });
    const first = await (await ws.peer).next((m) => m.event === 'start');
    expect(first.start).toMatchObject({
      callId: 'sdk-call-1',
      streamId: started.streamId,
      mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 },
    });
    const post = fake.requests.at(-1);
    expect([post?.method, post?.url, post?.headers.host, post?.status]).toEqual([
      'POST',
      `/v1/Account/${AUTH_ID}/Call/sdk-call-1/Stream/`,
      'api.plivo.com',
      202,
    ]);
    expect(JSON.parse(post?.body ?? '')).toMatchObject({
      keep_call_alive: true,
      extra_headers: 'tenant=acme',
    });

    const got = await client.calls.getStream('sdk-call-1', started.streamId);
    expect(got).toMatchObject({
      apiId: expect.any(String),
      streamId: started.streamId,
      callUuid: 'sdk-call-1',
      serviceUrl: `${ws.url}?sdk=1`,
      audioTrack: 'inbound',
      bidirectional: true,
      plivoAuthId: AUTH_ID,
      status: 'in-progress',
      endTime: null,
    });
    // getStream asks without the trailing slash
    expect(fake.requests.at(-1)?.url).toBe(
      `/v1/Account/${AUTH_ID}/Call/sdk-call-1/Stream/${started.streamId}`,
    );

    const second = await client.calls.stream('sdk-call-1', `${ws.url}?sdk=2`);
    const all = await client.calls.getAllStream('sdk-call-1');
    expect(all.meta).toEqual({ limit: 20, next: null, offset: 0, previous: null, totalCount: 2 });
    expect(all.objects.map((o: { streamId: string }) => o.streamId)).toEqual([
      started.streamId,
      second.streamId,
    ]);

    await client.calls.stopStream('sdk-call-1', started.streamId);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 204 });
    await call.streams[0]?.done;
    expect(call.streams.map((s) => s.live)).toEqual([false, true]);
    await client.calls.stopAllStream('sdk-call-1');
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      url: `/v1/Account/${AUTH_ID}/Call/sdk-call-1/Stream/`,
      status: 204,
    });
    await Promise.all(call.streams.map((s) => s.done));
    const after = await client.calls.getStream('sdk-call-1', second.streamId);
    expect(after).toMatchObject({
      status: 'completed',
      endTime: expect.stringMatching(/\+00:00$/),
    });
    await fake.hangup('sdk-call-1');
  });

  it('rejects with the status and the error text of the fake', async () => {
    fake.createCall({ callUuid: 'sdk-call-2' });
    const missing = await client.calls.getStream('sdk-call-2', 'nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, message: 'not found' });
    const invalid = await client.calls
      .stream('sdk-call-2', 'wss://x/', { bidirectional: true, audioTrack: 'both' })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({
      status: 400,
      message: 'audio_track must be inbound when bidirectional is true',
    });
    const wrong = new plivo.Client(AUTH_ID, 'wrong-token');
    const denied = await wrong.calls.getAllStream('sdk-call-2').catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 401, message: 'authentication failed' });
    await fake.hangup('sdk-call-2');
  });
});

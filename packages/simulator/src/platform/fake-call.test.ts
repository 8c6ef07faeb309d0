import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
// The oracle: the official SDK's own validator.
import { validateV3Signature } from 'plivo/dist/utils/v3Security.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { verifyPlivoSignature } from '@callstream/core';
import {
  serializeCheckpoint,
  serializeClearAudio,
  serializePlayAudio,
} from '@callstream/core/internal';
import { startTestServer } from '../test-helpers.js';
import type { Peer, TestServer } from '../test-helpers.js';
import { startFakePlatform } from './fake-platform.js';
import type { FakePlatform } from './fake-platform.js';
import type { StartFakePlatformOptions } from './platform-options.js';
import { startTestApp } from './test-app.js';
import type { AppRequest, TestApp } from './test-app.js';

const TOKEN = 'MzYxNjk0YjA5OTMxNzg5ZGVlMjk0NTVlNzRhMWZi';
const AUTH_ID = 'MAODUZYTQ0Y2M5ZGE1MD';

async function setup(
  answer: (app: TestApp, ws: TestServer) => string | { status: number; body: string },
  options: StartFakePlatformOptions = {},
  onPeer?: (peer: Peer) => void,
): Promise<{ fake: FakePlatform; app: TestApp; ws: TestServer }> {
  const ws = await startTestServer(onPeer);
  onTestFinished(() => ws.close());
  const holder: { app?: TestApp } = {};
  const app = await startTestApp(() => answer(holder.app as TestApp, ws));
  holder.app = app;
  onTestFinished(() => app.close());
  const fake = await startFakePlatform({ authId: AUTH_ID, authToken: TOKEN, ...options });
  onTestFinished(() => fake.close());
  return { fake, app, ws };
}

function header(req: AppRequest | IncomingMessage, name: string): string {
  return String(req.headers[name.toLowerCase()]);
}

/** The plivo SDK's verdict on a POST callback or answer request received by the test app. */
function plivoAccepts(app: TestApp, req: AppRequest, token = TOKEN): boolean {
  const url = `${app.origin}${req.url}`;
  const params = req.method === 'POST' ? req.params : {};
  return validateV3Signature(
    req.method,
    url,
    header(req, 'X-Plivo-Signature-V3-Nonce'),
    token,
    header(req, 'X-Plivo-Signature-V3'),
    params,
  );
}

const ANSWER_PARAMS = [
  'ALegRequestUUID',
  'ALegUUID',
  'BillRate',
  'CallStatus',
  'CallUUID',
  'CallerName',
  'Direction',
  'Event',
  'From',
  'ParentAuthID',
  'RequestUUID',
  'To',
];

describe('fake calls (plivo)', () => {
  it('requests the answer URL signed, follows <Stream> with a signed upgrade that core and the plivo SDK accept, and reports StartStream', async () => {
    const { fake, app, ws } = await setup(
      (a, w) =>
        `<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000" ` +
        `extraHeaders="tenant=acme,agent=42" statusCallbackUrl="${a.origin}/status?tenant=acme">` +
        `${w.url}?b=2&amp;a=1</Stream></Response>`,
    );
    const call = fake.createCall({
      from: '+14155550100',
      to: '+14155550199',
      answerUrl: `${app.origin}/answer?app=1`,
      hangupAfterMs: 300,
    });
    const result = await call.done;

    const answer = app.requests[0] as AppRequest;
    expect([answer.method, answer.url, header(answer, 'content-type')]).toEqual([
      'POST',
      '/answer?app=1',
      'application/x-www-form-urlencoded',
    ]);
    expect(Object.keys(answer.params).sort()).toEqual(ANSWER_PARAMS);
    expect(answer.params).toMatchObject({
      CallUUID: call.callUuid,
      From: '+14155550100',
      To: '+14155550199',
      Direction: 'inbound',
      CallStatus: 'in-progress',
    });
    expect(plivoAccepts(app, answer)).toBe(true);
    expect(plivoAccepts(app, answer, 'another-token')).toBe(false);

    const peer = await ws.peer;
    const serviceUrl = `${ws.url}?b=2&a=1`;
    expect(peer.req.url).toBe('/stream?b=2&a=1');
    expect(verifyPlivoSignature(peer.req, { authToken: TOKEN })).toBe(true);
    expect(
      verifyPlivoSignature(peer.req, {
        authToken: TOKEN,
        publicUrl: ws.url.slice(0, ws.url.indexOf('/stream')),
      }),
    ).toBe(true);
    expect(verifyPlivoSignature(peer.req, { authToken: 'another-token' })).toBe(false);
    const upgradeNonce = header(peer.req, 'X-Plivo-Signature-V3-Nonce');
    const upgradeSignature = header(peer.req, 'X-Plivo-Signature-V3');
    expect(validateV3Signature('GET', serviceUrl, upgradeNonce, TOKEN, upgradeSignature)).toBe(
      true,
    );

    expect(peer.messages[0]).toMatchObject({
      event: 'start',
      sequenceNumber: 1,
      start: {
        callId: call.callUuid,
        accountId: AUTH_ID,
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 },
      },
      extra_headers: 'tenant=acme;agent=42',
    });

    expect(result).toMatchObject({ callUuid: call.callUuid, problems: [], end: 'caller-hangup' });
    expect(result.streams).toHaveLength(1);
    const [stream] = result.streams;
    expect(stream).toMatchObject({ source: 'xml', attempts: 1, end: 'caller-hangup', serviceUrl });
    expect(stream?.result?.violations).toEqual([]);
    expect(stream?.result?.framesSent).toBeGreaterThan(0);

    // the caller hung up: StartStream only (no StopStream on a hangup)
    const [started, ...more] = app.statuses();
    expect(more).toEqual([]);
    expect(started?.url).toBe('/status?tenant=acme');
    expect(started?.params).toEqual({
      From: '+14155550100',
      To: '+14155550199',
      CallUUID: call.callUuid,
      Event: 'StartStream',
      StreamID: stream?.streamId,
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      ServiceURL: serviceUrl,
    });
    expect(plivoAccepts(app, started as AppRequest)).toBe(true);
    expect(fake.callbacks.map((c) => [c.event, c.response?.status])).toEqual([
      ['StartStream', 200],
    ]);
  });

  it('stops a stream on REST stop with a StopStream callback; the call, kept alive by it, then ends with the XML', async () => {
    const { fake, app, ws } = await setup(
      (a, w) =>
        `<Response><Stream keepCallAlive="true" bidirectional="true" statusCallbackUrl="${a.origin}/status">${w.url}</Stream></Response>`,
    );
    const call = fake.createCall({ answerUrl: `${app.origin}/answer` });
    await ws.peer;
    await app.waitForStatuses(1);
    const streamId = call.streams[0]?.streamId as string;
    const res = await fetch(`${fake.baseUrl}Call/${call.callUuid}/Stream/${streamId}`, {
      method: 'DELETE',
      headers: { Authorization: `Basic ${Buffer.from(`${AUTH_ID}:${TOKEN}`).toString('base64')}` },
    });
    expect(res.status).toBe(204);
    const result = await call.done;
    expect([result.end, result.streams[0]?.end]).toEqual(['xml-end', 'stopped']);
    expect(result.streams[0]?.result?.close).toEqual({
      code: 1000,
      reason: 'hangup',
      by: 'simulator',
    });
    const statuses = app.statuses();
    expect(statuses.map((s) => s.params.Event)).toEqual(['StartStream', 'StopStream']);
    expect(statuses[1]?.params).toEqual({
      From: '+14155550100',
      To: '+14155550199',
      CallUUID: call.callUuid,
      Event: 'StopStream',
      StreamID: streamId,
      Timestamp: expect.any(String),
    });
    expect(statuses.every((s) => plivoAccepts(app, s))).toBe(true);
  });

  it('without keepCallAlive and without a following verb, ends the call as soon as the stream connected', async () => {
    const { fake, app, ws } = await setup(
      (_a, w) => `<Response><Stream>${w.url}</Stream></Response>`,
    );
    const result = await fake.createCall({ answerUrl: `${app.origin}/answer` }).done;
    const peer = await ws.peer;
    expect(peer.messages[0]?.event).toBe('start');
    expect((await peer.closed).code).toBe(1000);
    expect([result.end, result.streams[0]?.end]).toEqual(['xml-end', 'call-ended']);
  });

  it('ends a stream at its streamTimeout with StopStream, then runs the next verb', async () => {
    const { fake, app } = await setup(
      (a, w) =>
        `<Response><Stream keepCallAlive="true" streamTimeout="2" statusCallbackUrl="${a.origin}/status">${w.url}</Stream><Hangup/></Response>`,
      { speed: 20 },
    );
    const result = await fake.createCall({ answerUrl: `${app.origin}/answer` }).done;
    expect([result.end, result.streams[0]?.end]).toEqual(['xml-hangup', 'timeout']);
    expect(result.streams[0]?.result?.durationMs).toBe(2000);
    expect(app.statuses().map((s) => s.params.Event)).toEqual(['StartStream', 'StopStream']);
  });

  it('reports the commands a bot sends on a stream that is not bidirectional', async () => {
    const { fake, app } = await setup(
      (_a, w) => `<Response><Stream keepCallAlive="true">${w.url}</Stream></Response>`,
      {},
      (peer) =>
        void peer
          .next((m) => m.event === 'start')
          .then((m) => peer.socket.send(serializeCheckpoint(m.start.streamId as string, 'hi'))),
    );
    const result = await fake.createCall({ answerUrl: `${app.origin}/answer`, hangupAfterMs: 200 })
      .done;
    expect(result.streams[0]?.result?.violations.map((v) => v.code)).toEqual(['not-bidirectional']);
    expect(result.streams[0]?.result?.checkpoints).toEqual([]);
  });

  it('sends DroppedStream with the Error text when the server closes the socket', async () => {
    const { fake, app } = await setup(
      (a, w) =>
        `<Response><Stream keepCallAlive="true" statusCallbackUrl="${a.origin}/status">${w.url}</Stream></Response>`,
      {},
      (peer) =>
        void peer
          .next((m) => m.event === 'start')
          .then(() => peer.socket.close(1011, 'bot crashed')),
    );
    const result = await fake.createCall({ answerUrl: `${app.origin}/answer` }).done;
    expect(result.streams[0]).toMatchObject({
      end: 'dropped',
      result: { close: { code: 1011, by: 'server' } },
    });
    const statuses = app.statuses();
    expect(statuses.map((s) => s.params.Event)).toEqual(['StartStream', 'DroppedStream']);
    expect(statuses[1]?.params.Error).toBe('connection disconnected with the remote service');
    expect(plivoAccepts(app, statuses[1] as AppRequest)).toBe(true);
  });

  it('retries a stream that cannot connect twice, then sends DroppedStream', async () => {
    const { fake, app, ws } = await setup(
      (a, w) =>
        `<Response><Stream keepCallAlive="true" statusCallbackUrl="${a.origin}/status">${w.url}</Stream></Response>`,
      { retryDelayMs: 5 },
    );
    await ws.close();
    const result = await fake.createCall({ answerUrl: `${app.origin}/answer` }).done;
    expect(result.streams[0]).toMatchObject({
      end: 'failed',
      attempts: 3,
      error: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(result.streams[0]?.result).toBeUndefined();
    expect(app.statuses().map((s) => s.params.Event)).toEqual(['DroppedStream']);
    expect(result.end).toBe('xml-end');
  });

  it('sends callbacks with GET, the parameters in the query, signed as the SDK checks a GET', async () => {
    const { fake, app } = await setup(
      (a, w) =>
        `<Response><Stream keepCallAlive="true" statusCallbackMethod="GET" statusCallbackUrl="${a.origin}/status?x=1">${w.url}</Stream></Response>`,
    );
    const call = fake.createCall({ answerUrl: `${app.origin}/answer`, answerMethod: 'GET' });
    const [status] = await app.waitForStatuses(1);
    await fake.hangup(call.callUuid);
    expect(app.requests[0]?.method).toBe('GET');
    expect(plivoAccepts(app, app.requests[0] as AppRequest)).toBe(true);
    expect(status?.method).toBe('GET');
    expect(status?.url).toMatch(/^\/status\?x=1&From=%2B14155550100&To=/);
    expect(status?.params).toMatchObject({ x: '1', Event: 'StartStream' });
    expect(plivoAccepts(app, status as AppRequest)).toBe(true);
  });

  it.each([
    ['not XML', () => ({ status: 200, body: '{"stream": true}' }), 'not-xml'],
    ['an unknown verb', () => '<Response><Gather/></Response>', 'unknown-verb'],
    [
      'an invalid <Stream>',
      () => '<Response><Stream bidirectional="true" audioTrack="both">wss://x/</Stream></Response>',
      'invalid-stream',
    ],
    ['an HTTP error', () => ({ status: 500, body: 'oops' }), 'answer-http-status'],
  ])(
    'reports an answer with %s in the result, places no stream, and keeps serving',
    async (_name, answer, code) => {
      let first = true;
      const { fake, app, ws } = await setup((a, w) => {
        if (!first) return `<Response><Stream>${w.url}</Stream></Response>`;
        first = false;
        return answer();
      });
      const bad = await fake.createCall({ answerUrl: `${app.origin}/answer` }).done;
      expect(bad).toMatchObject({ end: 'answer-failed', streams: [] });
      expect(bad.problems.map((p) => p.code)).toEqual([code]);
      const good = await fake.createCall({ answerUrl: `${app.origin}/answer` }).done;
      expect([good.problems, good.streams.length]).toEqual([[], 1]);
      await ws.peer;
    },
  );

  it('reports an unreachable answer URL', async () => {
    const { fake, app } = await setup(() => '<Response/>');
    await app.close();
    const result = await fake.createCall({ answerUrl: `${app.origin}/answer` }).done;
    expect(result.problems).toEqual([
      {
        code: 'answer-unreachable',
        message: expect.stringMatching(/\/answer: fetch failed: .*ECONNREFUSED/),
      },
    ]);
  });

  it('close() ends a call whose answer URL has not answered yet, without waiting for it', async () => {
    const { fake, app } = await setup(() => '<Response/>', { requestTimeoutMs: 120_000 });
    const { createServer } = await import('node:http');
    const silent = createServer(() => {}); // never answers
    silent.listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    onTestFinished(() => {
      silent.closeAllConnections();
      silent.close();
    });
    const port = (silent.address() as { port: number }).port;
    const call = fake.createCall({ answerUrl: `http://127.0.0.1:${port}/answer` });
    await new Promise((resolve) => silent.once('request', resolve));
    await fake.close();
    const result = await call.done;
    expect(result.end).toBe('platform-closed');
    expect(result.problems).toEqual([
      {
        code: 'answer-unreachable',
        message: `http://127.0.0.1:${port}/answer: the call ended first`,
      },
    ]);
    expect(app.requests).toEqual([]);
  });

  it('close() ends live calls and resolves', async () => {
    const { fake, app, ws } = await setup(
      (_a, w) => `<Response><Stream keepCallAlive="true">${w.url}</Stream></Response>`,
    );
    const call = fake.createCall({ answerUrl: `${app.origin}/answer` });
    const live = fake.createCall();
    const peer = await ws.peer;
    await peer.next((m) => m.event === 'start');
    await fake.close();
    expect((await call.done).end).toBe('platform-closed');
    expect((await live.done).end).toBe('platform-closed');
    expect((await peer.closed).code).toBe(1000);
    await expect(fetch(fake.baseUrl)).rejects.toThrow();
    expect(() => fake.createCall()).toThrow(/closed/);
  });
});

describe('fake calls (vobiz)', () => {
  it('signs with the Vobiz headers, speaks the Vobiz dialect, and reports PlayedStream with Name and ClearedAudio', async () => {
    const { fake, app, ws } = await setup(
      (a, w) =>
        `<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-mulaw;rate=8000" ` +
        `statusCallbackUrl="${a.origin}/status?q=1">${w.url}</Stream></Response>`,
      { platform: 'vobiz' },
      (peer) =>
        void peer
          .next((m) => m.event === 'start')
          .then(async (m) => {
            const id = m.start.streamId as string;
            const payload = Buffer.alloc(160, 0x7f).toString('base64');
            peer.socket.send(serializePlayAudio(id, 'audio/x-mulaw', 8000, payload));
            peer.socket.send(serializeCheckpoint(id, 'greeting'));
            await peer.next((r) => r.event === 'playedStream');
            peer.socket.send(serializeClearAudio(id));
          }),
    );
    const call = fake.createCall({ answerUrl: `${app.origin}/answer`, hangupAfterMs: 400 });
    const result = await call.done;
    const peer = await ws.peer;
    expect(verifyPlivoSignature(peer.req, { authToken: TOKEN, header: 'vobiz' })).toBe(true);
    expect(verifyPlivoSignature(peer.req, { authToken: TOKEN })).toBe(false);
    expect(peer.messages[0]).toMatchObject({ sequenceNumber: 0, extra_headers: '{}' });
    expect(result.streams[0]?.result?.checkpoints.map((c) => c.name)).toEqual(['greeting']);
    expect(result.streams[0]?.result?.cleared).toBe(1);

    const statuses = app.statuses();
    expect(statuses.map((s) => [s.params.Event, s.params.Name])).toEqual([
      ['StartStream', undefined],
      ['PlayedStream', 'greeting'],
      ['ClearedAudio', undefined],
    ]);
    expect(statuses[1]?.params).toEqual({
      From: '+14155550100',
      To: '+14155550199',
      CallUUID: call.callUuid,
      Event: 'PlayedStream',
      StreamID: result.streams[0]?.streamId,
      Timestamp: expect.any(String),
      Name: 'greeting',
      Error: '',
      ParentAuthID: AUTH_ID,
      status_callback_url: `${app.origin}/status?q=1`,
      status_callback_method: 'POST',
    });
    // Vobiz signs the URL without its query: V3 with a "." before the nonce, V2 without.
    const hmac = (text: string): string =>
      createHmac('sha256', TOKEN).update(text).digest('base64');
    for (const status of [...statuses, app.requests[0] as AppRequest]) {
      const base = `${app.origin}${status.url.split('?')[0]}`;
      const v3 = hmac(`${base}.${header(status, 'X-Vobiz-Signature-V3-Nonce')}`);
      const v2 = hmac(`${base}${header(status, 'X-Vobiz-Signature-V2-Nonce')}`);
      expect([
        header(status, 'X-Vobiz-Signature-V3'),
        header(status, 'X-Vobiz-Signature-MA-V3'),
      ]).toEqual([v3, v3]);
      expect([
        header(status, 'X-Vobiz-Signature-V2'),
        header(status, 'X-Vobiz-Signature-MA-V2'),
      ]).toEqual([v2, v2]);
    }
  });

  it('retries as many times as maxRetries says', async () => {
    const { fake, app, ws } = await setup(
      (_a, w) =>
        `<Response><Stream keepCallAlive="true" maxRetries="1">${w.url}</Stream></Response>`,
      { platform: 'vobiz', retryDelayMs: 5 },
    );
    await ws.close();
    const result = await fake.createCall({ answerUrl: `${app.origin}/answer` }).done;
    expect(result.streams[0]).toMatchObject({ end: 'failed', attempts: 2 });
  });
});

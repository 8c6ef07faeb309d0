import { once } from 'node:events';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-helpers.js';
import type { TestServer } from '../test-helpers.js';
import { startFakePlatform } from './fake-platform.js';
import type { FakePlatform } from './fake-platform.js';

const AUTH_ID = 'MAODUZYTQ0Y2M5ZGE1MD';
const TOKEN = 'fuzz-token';
const BASIC = `Basic ${Buffer.from(`${AUTH_ID}:${TOKEN}`).toString('base64')}`;

let fake: FakePlatform;
let ws: TestServer;
beforeAll(async () => {
  ws = await startTestServer();
  fake = await startFakePlatform({ authId: AUTH_ID, authToken: TOKEN, maxBodyBytes: 4096 });
});
afterAll(async () => {
  await fake.close();
  await ws.close();
});

/** Sends raw bytes and resolves with the status line's code (or undefined if none came). */
async function raw(bytes: Buffer): Promise<number | undefined> {
  const socket = connect(Number(new URL(fake.origin).port), '127.0.0.1');
  await once(socket, 'connect');
  let reply = '';
  socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.end(bytes);
  await once(socket, 'close');
  const match = /^HTTP\/1\.1 (\d{3})/.exec(reply);
  return match ? Number(match[1]) : undefined;
}

describe('fake platform REST under malformed requests', () => {
  it('answers a few hundred malformed requests with a 4xx and keeps serving', async () => {
    const call = fake.createCall({ callUuid: 'live' });
    const segment = fc.oneof(
      fc.constantFrom('Call', 'live', 'Stream', 'nope', '', '%', '%zz', '..', 'Account', AUTH_ID),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    );
    const path = fc.oneof(
      fc.array(segment, { maxLength: 6 }).map((s) => `/v1/Account/${AUTH_ID}/${s.join('/')}`),
      fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`),
      fc.constantFrom(`/v1/Account/${AUTH_ID}/Call/live/Stream/`, `/v1/Account/${AUTH_ID}/Call/`),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 40 }),
      fc.json().filter((j) => !/service_url|"from"|"to"|answer_url/.test(j)),
      fc.constantFrom('{', '[]', 'null', '"x"', '{"service_url": 5}', '{"service_url":"ws://"}'),
      fc.constant('x'.repeat(5000)),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'),
      path,
      body,
      contentType: fc.constantFrom(
        undefined,
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-8',
      ),
      auth: fc.constantFrom(
        BASIC,
        BASIC,
        undefined,
        'Basic x',
        `Basic ${Buffer.from(`${AUTH_ID}:no`).toString('base64')}`,
      ),
    });
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['Content-Type'] = r.contentType;
        if (r.auth) headers.Authorization = r.auth;
        const withBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
        const res = await fetch(`${fake.origin}${r.path}`, {
          method: r.method,
          headers,
          body: withBody ? r.body : undefined,
        });
        await res.arrayBuffer();
        statuses.add(res.status);
        // Only a well-formed request can succeed; everything else is the client's fault.
        expect(res.status >= 400 && res.status < 500 ? true : res.status < 300).toBe(true);
      }),
      { numRuns: 300, seed: 12 },
    );
    expect([...statuses].some((s) => s === 400)).toBe(true);
    expect([...statuses].some((s) => s === 401)).toBe(true);
    expect([...statuses].some((s) => s === 404)).toBe(true);
    expect([...statuses].some((s) => s === 405)).toBe(true);
    expect([...statuses].some((s) => s === 413)).toBe(true);

    const garbage = [
      Buffer.from('GARBAGE\r\n\r\n'),
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'),
      Buffer.from('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
      Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]),
      Buffer.from(`GET /${'a'.repeat(20_000)} HTTP/1.1\r\n\r\n`),
    ];
    for (const bytes of garbage) {
      const status = await raw(bytes);
      expect(status === undefined || (status >= 400 && status < 500)).toBe(true);
    }

    // still serving: a valid start on the live call works
    const res = await fetch(`${fake.baseUrl}Call/live/Stream/`, {
      method: 'POST',
      headers: { Authorization: BASIC, 'Content-Type': 'application/json' },
      body: JSON.stringify({ service_url: ws.url }),
    });
    expect(res.status).toBe(202);
    await ws.peer;
    expect(call.live).toBe(true);
  });
});

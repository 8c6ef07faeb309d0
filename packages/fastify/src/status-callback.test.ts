import { createStatusCallbackStats, type StreamStatusEvent } from '@callstream/control';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sdkSignedHeaders } from '../../../test/helpers/plivo-signer.js';
import {
  VECTOR_NONCE as NONCE,
  VECTOR_ORIGIN as PUBLIC,
  VECTOR_PARAMS,
  VECTOR_TOKEN as TOKEN,
} from '../../../test/helpers/status-callback-vector.js';
import callstream, { streamStatusRoute, type StreamStatusRouteOptions } from './index.js';

// The callback of CONTROL.md §3.5 without From, To and ServiceURL.
const { From: _from, To: _to, ServiceURL: _serviceUrl, ...P } = VECTOR_PARAMS;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function signed(method: 'GET' | 'POST', url: string, params: Record<string, string>) {
  return sdkSignedHeaders(method, url, params, NONCE, TOKEN);
}

/** A real Fastify server listening on 127.0.0.1 with the route; requests go over the socket. */
async function serve(
  options: Partial<StreamStatusRouteOptions> = {},
  setup?: (app: FastifyInstance) => Promise<void>,
) {
  const seen: StreamStatusEvent[] = [];
  const stats = createStatusCallbackStats();
  const app = Fastify();
  onTestFinished(() => app.close());
  await setup?.(app);
  await app.register(streamStatusRoute, {
    authToken: TOKEN,
    publicUrl: PUBLIC,
    onStatus: (event) => void seen.push(event),
    stats,
    ...options,
  });
  app.post('/echo', async (request) => ({ body: request.body }));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const send = async (
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${base}${path}`, { method, body, headers });
    return { status: res.status, body: await res.text() };
  };
  const settled = async (count: number): Promise<void> => {
    while (seen.length + stats.handlerErrors < count) await new Promise((r) => setTimeout(r, 5));
  };
  return { app, seen, stats, send, settled };
}

describe('streamStatusRoute (Fastify)', () => {
  it('answers a signed form POST 200 with its own form parser and hands over the event', async () => {
    const { seen, stats, send, settled } = await serve();
    const body = new URLSearchParams(P).toString();
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/stream-status`, P) };
    expect(await send('POST', '/stream-status', body, headers)).toEqual({ status: 200, body: '' });
    await settled(1);
    expect(seen[0]).toMatchObject({
      event: 'StartStream',
      streamId: P.StreamID,
      callUuid: P.CallUUID,
    });
    expect(stats.accepted).toBe(1);
  });

  it('reads a signed GET and a signed JSON POST on a custom path', async () => {
    const { seen, send, settled } = await serve({ path: '/cb' });
    const path = `/cb?${new URLSearchParams({ Event: 'StopStream', StreamID: 's1' }).toString()}`;
    expect((await send('GET', path, undefined, signed('GET', `${PUBLIC}${path}`, {}))).status).toBe(
      200,
    );
    const json = { 'content-type': 'application/json', ...signed('POST', `${PUBLIC}/cb`, P) };
    expect((await send('POST', '/cb', JSON.stringify(P), json)).status).toBe(200);
    await settled(2);
    expect(seen.map((e) => e.event)).toEqual(['StopStream', 'StartStream']);
  });

  it('answers 403 for a bad signature, 400 for a malformed callback, 413 for a large body', async () => {
    const { seen, stats, send } = await serve({ maxBytes: 512 });
    const body = new URLSearchParams(P).toString();
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/stream-status`, P) };
    expect(
      (await send('POST', '/stream-status', body.replace('StartStream', 'StopStream'), headers))
        .status,
    ).toBe(403);
    expect((await send('POST', '/stream-status', body, FORM)).status).toBe(403);
    expect(
      (await send('POST', '/stream-status', '{"Event":', { 'content-type': 'application/json' }))
        .status,
    ).toBe(400);
    expect(
      (await send('POST', '/stream-status', 'Event=x', { 'content-type': 'text/plain' })).status,
    ).toBe(400);
    expect(
      (await send('POST', '/stream-status', `Event=x&Pad=${'p'.repeat(600)}`, FORM)).status,
    ).toBe(413);
    expect(seen).toHaveLength(0);
    expect(stats).toEqual({
      accepted: 0,
      invalidSignature: 2,
      malformed: 2,
      tooLarge: 1,
      handlerErrors: 0,
    });
  });

  it('logs a throwing handler and keeps serving', async () => {
    let calls = 0;
    const { stats, send } = await serve({
      onStatus: () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return Promise.reject(new Error('async boom'));
      },
    });
    const body = new URLSearchParams(P).toString();
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/stream-status`, P) };
    expect((await send('POST', '/stream-status', body, headers)).status).toBe(200);
    expect((await send('POST', '/stream-status', body, headers)).status).toBe(200);
    while (stats.handlerErrors < 2) await new Promise((r) => setTimeout(r, 5));
    expect(stats).toMatchObject({ accepted: 2, handlerErrors: 2 });
  });

  it("leaves the app's own parsers alone: outside the route, forms are still unsupported and JSON is parsed", async () => {
    const { send } = await serve();
    expect((await send('POST', '/echo', 'a=1', FORM)).status).toBe(415);
    expect(await send('POST', '/echo', '{"a":1}', { 'content-type': 'application/json' })).toEqual({
      status: 200,
      body: '{"body":{"a":1}}',
    });
  });

  it('works next to an app-level form parser and the callstream plugin', async () => {
    const { seen, send, settled } = await serve({}, async (app) => {
      app.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (_r, b: string, done) => done(null, Object.fromEntries(new URLSearchParams(b))),
      );
      await app.register(callstream, { path: '/stream' });
    });
    const body = new URLSearchParams(P).toString();
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/stream-status`, P) };
    expect((await send('POST', '/stream-status', body, headers)).status).toBe(200);
    await settled(1);
    expect(seen[0]?.event).toBe('StartStream');
    expect(await send('POST', '/echo', 'a=1', FORM)).toEqual({
      status: 200,
      body: '{"body":{"a":"1"}}',
    });
  });

  it('refuses invalid options when registered', async () => {
    const app = Fastify();
    onTestFinished(() => app.close());
    await expect(
      app.register(streamStatusRoute, { authToken: TOKEN } as StreamStatusRouteOptions).ready(),
    ).rejects.toThrow('"onStatus"');
  });
});

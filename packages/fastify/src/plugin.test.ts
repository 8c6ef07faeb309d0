import { once } from 'node:events';
import websocket from '@fastify/websocket';
import type { CallStream } from '@callstream/core';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { describe, expect, expectTypeOf, it, onTestFinished, vi } from 'vitest';
import { WebSocket } from 'ws';
import callstream, { type CallstreamDecorator, type CallstreamRequest } from './index.js';
import { FakePlatform } from '../../../test/helpers/fake-platform.js';
import { upgradeStatus } from '../../../test/helpers/adapter-clients.js';

type LogLine = Record<string, unknown> & { msg?: string; level: number };

/** A Fastify app whose JSON log lines (debug and up) are collected in `lines`. */
function app(): { app: FastifyInstance; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const instance = Fastify({
    logger: {
      level: 'debug',
      stream: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
    },
  });
  onTestFinished(() => instance.close());
  return { app: instance, lines };
}

async function listen(instance: FastifyInstance): Promise<string> {
  const address = await instance.listen({ port: 0, host: '127.0.0.1' });
  return address.replace(/^http/, 'ws');
}

/** Resolves with the next stream handed to onStream. */
function nextStream(): {
  onStream: (s: CallStream, r: CallstreamRequest) => void;
  next: Promise<[CallStream, CallstreamRequest]>;
} {
  let resolve!: (v: [CallStream, CallstreamRequest]) => void;
  const next = new Promise<[CallStream, CallstreamRequest]>((r) => (resolve = r));
  return { onStream: (s, r) => resolve([s, r]), next };
}

async function connect(url: string, headers?: Record<string, string>): Promise<FakePlatform> {
  const platform = await FakePlatform.connect(url, headers);
  onTestFinished(() => void platform.close());
  return platform;
}

describe('@callstream/fastify', () => {
  it('registers @fastify/websocket when absent, with maxPayload and no compression', async () => {
    const { app: instance } = app();
    await instance.register(callstream, { maxPayload: 4096 });
    const base = await listen(instance);
    expect(instance.hasPlugin('@fastify/websocket')).toBe(true);
    expect(instance.websocketServer.options.maxPayload).toBe(4096);
    expect(instance.websocketServer.options.perMessageDeflate).toBe(false);
    const platform = await connect(`${base}/stream`);
    platform.start();
    platform.send('x'.repeat(5000));
    expect((await platform.closed).code).toBe(1009);
  });

  it('works with an app that registered @fastify/websocket itself; app.close() still closes calls with 1001', async () => {
    const { app: instance } = app();
    await instance.register(websocket);
    instance.get('/chat', { websocket: true }, (socket) => {
      socket.on('message', (data) => socket.send(`echo:${String(data)}`));
    });
    const { onStream, next } = nextStream();
    await instance.register(callstream, { path: '/stream', onStream });
    const base = await listen(instance);

    const chat = new WebSocket(`${base}/chat`);
    onTestFinished(() => chat.terminate());
    await once(chat, 'open');
    chat.send('hi');
    const [reply] = (await once(chat, 'message')) as [Buffer];
    expect(String(reply)).toBe('echo:hi');

    const platform = await connect(`${base}/stream`);
    platform.start({ streamId: 'live' });
    const [stream] = await next;
    expect([...instance.callstream.streams.keys()]).toEqual(['live']);
    const playback = stream.playAudio(new Int16Array(8000 * 3));
    await platform.waitFor((m) => m.event === 'playAudio');
    await instance.close();
    expect((await platform.closed).code).toBe(1001);
    expect((await playback).status).toBe('closed');
    expect(instance.callstream.streams.size).toBe(0);
  });

  it('logs each call through request.log: with its reqId, then callId and streamId', async () => {
    const { app: instance, lines } = app();
    const { onStream, next } = nextStream();
    await instance.register(callstream, {
      onStream,
      authenticate: (request) => request.headers['x-token'] === 'ok',
    });
    const base = await listen(instance);
    expect(await upgradeStatus(`${base}/stream`, { 'x-token': 'no' })).toBe(401);
    const platform = await connect(`${base}/stream`, { 'x-token': 'ok' });
    platform.start({ callId: 'call-log', streamId: 's-log' });
    const [, request] = await next;
    const refused = lines.find((l) => l.msg === 'callstream: upgrade refused by authenticate');
    const started = lines.find((l) => l.msg === 'stream started');
    expect(typeof refused?.reqId).toBe('string');
    expect(started).toMatchObject({ reqId: request.id, callId: 'call-log', streamId: 's-log' });
    expect(refused?.reqId).not.toBe(request.id);
  });

  it('answers a plain GET on the stream path with 426, after authenticate', async () => {
    const { app: instance } = app();
    await instance.register(callstream, {
      authenticate: (request) => request.headers['x-token'] === 'ok',
    });
    const plain = await instance.inject({
      method: 'GET',
      url: '/stream',
      headers: { 'x-token': 'ok' },
    });
    const refused = await instance.inject({ method: 'GET', url: '/stream' });
    expect([plain.statusCode, plain.headers.upgrade, plain.body]).toEqual([
      426,
      'websocket',
      'Upgrade Required',
    ]);
    expect(refused.statusCode).toBe(401);
  });

  it('serves several paths, with Fastify route params on the request given to onStream', async () => {
    const { app: instance } = app();
    const seen: string[] = [];
    await instance.register(callstream, {
      path: ['/calls/:tenant', '/other'],
      onStream: (stream, request) => {
        seen.push(`${stream.callId}@${request.params.tenant ?? '-'}`);
      },
    });
    const base = await listen(instance);
    const a = await connect(`${base}/calls/acme`);
    a.start({ callId: 'a', streamId: 's-a' });
    const b = await connect(`${base}/other`);
    b.start({ callId: 'b', streamId: 's-b' });
    await a.close();
    await b.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.sort()).toEqual(['a@acme', 'b@-']);
    expect(await upgradeStatus(`${base}/stream`)).toBe(404);
  });

  it('honours the register option prefix', async () => {
    const { app: instance } = app();
    const { onStream, next } = nextStream();
    await instance.register(callstream, { prefix: '/v1', path: '/calls/:tenant', onStream });
    const base = await listen(instance);
    expect(await upgradeStatus(`${base}/calls/acme`)).toBe(404);
    const platform = await connect(`${base}/v1/calls/acme`);
    platform.start({ callId: 'prefixed' });
    const [stream, request] = await next;
    expect([stream.callId, request.params.tenant]).toEqual(['prefixed', 'acme']);
  });

  it('serves two encapsulated scopes, each with its own paths, options and app.callstream', async () => {
    const { app: instance, lines } = app();
    const seen: string[] = [];
    const registries: CallstreamDecorator[] = [];
    for (const [prefix, tenant] of [
      ['/a', 'alpha'],
      ['/b', 'beta'],
    ] as const) {
      await instance.register(
        async (scope) => {
          await scope.register(callstream, {
            path: '/stream',
            authenticate: (request) => request.headers['x-tenant'] === tenant,
            onStream: (stream) => void seen.push(`${tenant}:${stream.callId}`),
          });
          registries.push(scope.callstream);
        },
        { prefix },
      );
    }
    const base = await listen(instance);
    expect([
      await upgradeStatus(`${base}/a/stream`, { 'x-tenant': 'beta' }),
      await upgradeStatus(`${base}/b/stream`, { 'x-tenant': 'alpha' }),
    ]).toEqual([401, 401]);
    const a = await connect(`${base}/a/stream`, { 'x-tenant': 'alpha' });
    a.start({ callId: 'one', streamId: 's-one' });
    const b = await connect(`${base}/b/stream`, { 'x-tenant': 'beta' });
    b.start({ callId: 'two', streamId: 's-two' });
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect({
      seen: seen.sort(),
      a: [...(registries[0]?.streams.keys() ?? [])],
      b: [...(registries[1]?.streams.keys() ?? [])],
      root: instance.hasDecorator('callstream'),
      // One listener routes each upgrade once (a second one fails on every upgrade and warns).
      upgradeListeners: instance.server.listeners('upgrade').length,
      warnings: lines.filter((l) => l.level >= 40).map((l) => l.msg),
    }).toEqual({
      seen: ['alpha:one', 'beta:two'],
      a: ['s-one'],
      b: ['s-two'],
      root: false,
      upgradeListeners: 1,
      warnings: [],
    });
    await instance.close();
    expect([(await a.closed).code, (await b.closed).code]).toEqual([1001, 1001]);
  });

  it('refuses a second registration in the same scope with a clear error', async () => {
    const instance = Fastify();
    onTestFinished(() => instance.close());
    await instance.register(callstream, { path: '/one' });
    await expect(instance.register(callstream, { path: '/two' }).ready()).rejects.toThrowError(
      /already registered in this scope/,
    );
  });

  it('logs a throwing onStream through request.log and emits it on app.callstream', async () => {
    const { app: instance, lines } = app();
    await instance.register(callstream, {
      onStream: () => {
        throw new Error('handler broke');
      },
    });
    const heard: string[] = [];
    instance.callstream.on('error', (err, stream) =>
      heard.push(`${err.message}@${stream?.callId}`),
    );
    const base = await listen(instance);
    const platform = await connect(`${base}/stream`);
    platform.start({ callId: 'c-throw' });
    // Both happen after the start message is read: wait for them rather than for a fixed time.
    await vi.waitFor(() => {
      const logged = lines.find((l) => l.level === 50 && l.code === 'ERR_HANDLER');
      expect({
        heard,
        logged: logged && { callId: logged.callId, reqId: typeof logged.reqId },
      }).toEqual({
        heard: ['A stream handler threw: handler broke@c-throw'],
        logged: { callId: 'c-throw', reqId: 'string' },
      });
    });
  });

  it('warns when maxPayload differs from the one of an already registered @fastify/websocket', async () => {
    const { app: instance, lines } = app();
    await instance.register(websocket, { options: { maxPayload: 1_000_000 } });
    await instance.register(callstream, { maxPayload: 8192 });
    await instance.ready();
    expect(lines.find((l) => l.level === 40)).toMatchObject({
      maxPayload: 8192,
      websocketMaxPayload: 1_000_000,
    });
  });

  it('refuses invalid options with a TypeError naming the option', async () => {
    for (const [options, name] of [
      [{ path: 'stream' }, 'path'],
      [{ path: [] }, 'path'],
      [{ authenticate: true }, 'authenticate'],
      [{ onStream: 'x' }, 'onStream'],
      [{ chunkMs: 30 }, 'chunkMs'],
      [{ maxPayload: 1000 }, 'maxPayload'],
      [{ heartbeatMs: -1 }, 'heartbeatMs'],
    ] as const) {
      const instance = Fastify();
      await expect(instance.register(callstream, options as never).ready()).rejects.toThrowError(
        new RegExp(`"${name}"`),
      );
      await instance.close();
    }
  });

  it('has the public types of the contract', () => {
    expectTypeOf<FastifyInstance['callstream']>().toEqualTypeOf<CallstreamDecorator>();
    expectTypeOf<CallstreamDecorator['streams']>().toEqualTypeOf<ReadonlyMap<string, CallStream>>();
    type Options = Parameters<typeof callstream>[1];
    expectTypeOf<NonNullable<Options['authenticate']>>()
      .parameter(0)
      .toEqualTypeOf<CallstreamRequest>();
    expectTypeOf<NonNullable<Options['onStream']>>().parameters.toEqualTypeOf<
      [CallStream, CallstreamRequest]
    >();
    expectTypeOf<CallstreamRequest['params']>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<CallstreamRequest>().toExtend<FastifyRequest>();
  });
});

import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createStreamServer, isCallstreamError, type CallStream } from '@callstream/core';
import { upgradeStatus } from './helpers/adapter-clients.js';
import { FakePlatform, le16 } from './helpers/fake-platform.js';
import { collect, startServer, startMessage } from './helpers/server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('createStreamServer', () => {
  it('closes with 1008 and rejects started when no start arrives in time', async () => {
    const { server, url } = await startServer({ startTimeoutMs: 150 });
    let accepted = 0;
    server.on('stream', () => accepted++);
    const platform = await FakePlatform.connect(url);
    const closed = await platform.closed;
    expect(closed.code).toBe(1008);
    expect(accepted).toBe(0);
    expect(server.streams.size).toBe(0);
  });

  it('fires stream only after start, with metadata readable synchronously, and tracks it in streams', async () => {
    const { server, connect } = await startServer();
    const seen: string[] = [];
    server.on('stream', (stream) => {
      seen.push(
        stream.callId,
        stream.streamId,
        String(server.streams.get(stream.streamId) === stream),
      );
    });
    const platform = await connect();
    await sleep(50);
    expect(seen).toEqual([]);
    platform.start({ callId: 'c-9', streamId: 's-9' });
    await sleep(50);
    expect(seen).toEqual(['c-9', 's-9', 'true']);
    await platform.close();
    await sleep(50);
    expect(server.streams.size).toBe(0);
  });

  it('upgrades only on the configured paths and answers 404 elsewhere', async () => {
    const { port } = await startServer({ path: ['/stream', '/media'] });
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/stream?x=1`)).toBe(101);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/media`)).toBe(101);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/other`)).toBe(404);
  });

  it('runs authenticate before the upgrade: false answers 401, a throw 500', async () => {
    const { port } = await startServer({
      path: '/stream',
      authenticate: (req) => {
        if (req.headers['x-boom'] === '1') throw new Error('boom');
        return req.headers['x-token'] === 'ok';
      },
    });
    const url = `ws://127.0.0.1:${port}/stream`;
    expect(await upgradeStatus(url, { 'x-token': 'ok' })).toBe(101);
    expect(await upgradeStatus(url, { 'x-token': 'no' })).toBe(401);
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(url, { 'x-boom': '1' })).toBe(500);
  });

  it('throws a TypeError naming an invalid option at construction', () => {
    expect(() => createStreamServer({ chunkMs: 30 })).toThrowError(/"chunkMs"/);
    expect(() => createStreamServer({ leadMs: -1 })).toThrowError(/"leadMs"/);
    expect(() => createStreamServer({ path: 'stream' })).toThrowError(/"path"/);
    expect(() => createStreamServer({ port: 70000 })).toThrowError(/"port"/);
    expect(() => createStreamServer({ maxPayload: 1000 })).toThrowError(/"maxPayload"/);
    expect(() => createStreamServer({ authenticate: true as never })).toThrowError(
      /"authenticate"/,
    );
    expect(() => createStreamServer({ logger: {} as never })).toThrowError(/"logger"/);
    expect(() =>
      createStreamServer({ outputFormat: { encoding: 'audio/x-mulaw', sampleRate: 16000 } }),
    ).toThrowError(/"outputFormat"/);
  });

  it('close() stops accepting, closes live streams with 1001, settles playbacks closed, and resolves', async () => {
    const { server, url, connect, nextStream } = await startServer();
    const streamP = nextStream();
    const a = await connect();
    const b = await connect(); // never sends start: closed too
    a.start();
    const stream = await streamP;
    const playback = stream.playAudio(new Int16Array(8000 * 5));
    await a.waitFor((m) => m.event === 'playAudio');
    await server.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect((await playback).status).toBe('closed');
    expect(server.streams.size).toBe(0);
    await expect(FakePlatform.connect(url)).rejects.toThrow();
  });

  it('routes a throwing or rejecting handler to the stream error event; other calls go on', async () => {
    const { server, connect } = await startServer();
    const errors: string[] = [];
    let n = 0;
    server.on('stream', async (stream: CallStream) => {
      stream.on('error', (err) => errors.push(String((err.cause as Error).message)));
      n++;
      if (n === 1) throw new Error('sync-ish failure');
      stream.on('media', () => {
        throw new Error('listener failure');
      });
    });
    const p1 = await connect();
    p1.start({ streamId: 'a' });
    await sleep(50);
    const p2 = await connect();
    p2.start({ streamId: 'b' });
    await sleep(50);
    p2.media(new Uint8Array(160));
    await sleep(100);
    expect(errors).toEqual(['sync-ish failure', 'listener failure']);
    expect(p1.ws.readyState).toBe(WebSocket.OPEN);
    expect(p2.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket that sends a message over maxPayload with 1009 and counts it', async () => {
    const { connect, nextStream } = await startServer({ maxPayload: 4096 });
    const streamP = nextStream();
    const platform = await connect();
    platform.start();
    const stream = await streamP;
    const errors: string[] = [];
    stream.on('frameError', (e) => errors.push(e.code));
    platform.send('x'.repeat(10_000));
    expect((await platform.closed).code).toBe(1009);
    await stream.closed;
    expect(errors).toEqual(['ERR_FRAME_TOO_LARGE']);
  });

  it('terminates a peer that stops answering pings', async () => {
    const { url, server } = await startServer({ heartbeatMs: 100 });
    const streamP = new Promise<CallStream>((r) => server.once('stream', r));
    const ws = new WebSocket(url, { autoPong: false });
    await once(ws, 'open');
    ws.send(startMessage('audio/x-mulaw', 8000));
    const stream = await streamP;
    const closed = await stream.closed;
    expect(closed.code).toBe(1006);
    ws.terminate();
  });

  it('carries 200 concurrent calls, each receiving exactly its own audio', async () => {
    const { server, connect } = await startServer();
    const results = new Map<string, number[]>();
    const done: Promise<void>[] = [];
    server.on('stream', (stream) => {
      done.push(
        collect(stream).then((frames) => {
          results.set(
            stream.callId,
            frames.map((f) => f.samples[0] as number),
          );
        }),
      );
    });
    const platforms = await Promise.all(Array.from({ length: 200 }, () => connect()));
    platforms.forEach((p, i) =>
      p.start({
        callId: `call-${i}`,
        streamId: `s-${i}`,
        encoding: 'audio/x-l16',
        sampleRate: 8000,
      }),
    );
    for (let k = 0; k < 5; k++) {
      platforms.forEach((p, i) => p.media(le16(new Array(160).fill(i * 10 + k))));
      await sleep(5);
    }
    await Promise.all(platforms.map((p) => p.close()));
    await sleep(50);
    await Promise.all(done);
    expect(results.size).toBe(200);
    for (let i = 0; i < 200; i++) {
      expect(results.get(`call-${i}`)).toEqual([0, 1, 2, 3, 4].map((k) => i * 10 + k));
    }
  });
});

describe('CallStream iterators', () => {
  async function started(options = {}) {
    const env = await startServer(options);
    const streamP = env.nextStream();
    const platform = await env.connect();
    platform.start({ encoding: 'audio/x-l16', sampleRate: 8000 });
    return { platform, stream: await streamP };
  }

  it('several iterators each see every frame; break removes only that one', async () => {
    const { platform, stream } = await started();
    const a: number[] = [];
    const first = (async () => {
      for await (const f of stream) {
        a.push(f.chunk);
        if (f.chunk === 2) break;
      }
    })();
    const all = collect(stream.frames());
    for (let k = 0; k < 4; k++) platform.media(le16(new Array(160).fill(k)));
    await first;
    await platform.close();
    expect(a).toEqual([1, 2]);
    expect((await all).map((f) => f.chunk)).toEqual([1, 2, 3, 4]);
  });

  it('drops the oldest frames when a slow iterator overflows its buffer, and counts them', async () => {
    const { platform, stream } = await started({ bufferMs: 100 }); // 5 frames
    const it = stream.frames({ track: 'inbound' });
    for (let k = 1; k <= 12; k++) platform.media(le16(new Array(160).fill(k)));
    await sleep(100);
    await platform.close();
    const chunks = (await collect(it)).map((f) => f.chunk);
    expect(chunks).toEqual([8, 9, 10, 11, 12]);
    expect(stream.stats.dropped).toBe(7);
  });

  it('resamples per iterator with the sampleRate option (8 kHz → 16 kHz doubles the samples)', async () => {
    const { platform, stream } = await started();
    const up = collect(stream.frames({ sampleRate: 16000 }));
    for (let k = 0; k < 10; k++) platform.media(le16(new Array(160).fill(1000)));
    await platform.close();
    const frames = await up;
    const total = frames.reduce((n, f) => n + f.samples.length, 0);
    expect(frames.every((f) => f.sampleRate === 16000)).toBe(true);
    expect(total).toBe(3200);
    const mid = frames[5]?.samples ?? new Int16Array();
    expect(Math.abs((mid[100] ?? 0) - 1000)).toBeLessThan(20); // DC passes through
  });

  it('an AbortSignal ends the iterator with an AbortError', async () => {
    const { platform, stream } = await started();
    const ac = new AbortController();
    const it = stream.frames({ signal: ac.signal });
    platform.media(le16(new Array(160).fill(1)));
    const first = await it.next();
    expect(first.done).toBe(false);
    const pending = it.next();
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an iterator made after the stream closed ends at once', async () => {
    const { platform, stream } = await started();
    await platform.close();
    await stream.closed;
    expect(await collect(stream.frames())).toEqual([]);
    expect(
      isCallstreamError(
        await stream.started.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    ).toBe(false);
  });
});

describe('createStreamServer memory', () => {
  it('lets a started call release its upgrade request once the stream event has fired', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { server, connect } = await startServer();
    let request: WeakRef<object> | undefined;
    server.on('stream', (_stream, req) => {
      request = new WeakRef(req);
    });
    const platform = await connect();
    platform.start({ callId: 'c-mem', streamId: 's-mem' });
    for (let i = 0; i < 50 && request === undefined; i++) await sleep(10);
    expect(request).toBeDefined();
    expect(server.streams.size).toBe(1); // the call is still live
    for (let i = 0; i < 10 && request?.deref() !== undefined; i++) {
      await sleep(10);
      gc();
    }
    expect(request?.deref()).toBeUndefined();
    await platform.close();
  });
});

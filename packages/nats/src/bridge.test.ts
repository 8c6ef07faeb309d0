import { describe, expect, it, onTestFinished } from 'vitest';
import { createStreamServer, type CallStream } from '@callstream/core';
import { simulateCall } from '@callstream/simulator';
import { useNatsServer } from '../../../test/helpers/nats.js';
import { bridgeCalls, subscribeCalls, type BridgeOptions, type RemoteCall } from './index.js';

const nats = useNatsServer();

let counter = 0;

const connection = () => nats.connect({ reconnectTimeWait: 100 });

/** An edge in this process: a stream server bridged on its own connection. */
async function edge(options: BridgeOptions = {}) {
  const prefix = `u${process.pid}x${++counter}`;
  const nc = await connection();
  const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
  onTestFinished(() => server.close());
  const bridge = bridgeCalls(server, nc, { prefix, ...options });
  const { port } = await server.listen();
  return { prefix, nc, server, bridge, url: `ws://127.0.0.1:${port}/stream` };
}

/** The next call a worker takes. */
async function takeOne(calls: AsyncIterable<RemoteCall>): Promise<RemoteCall> {
  for await (const call of calls) return call;
  throw new Error('no call');
}

const tone = (n: number): Int16Array => new Int16Array(n).fill(1000);

describe('bridgeCalls and subscribeCalls', () => {
  it('hands a call no worker takes to the fallback handler, with the reason', async () => {
    const fallbacks: { stream: CallStream; reason: string }[] = [];
    const { url, bridge } = await edge({
      offerTimeoutMs: 200,
      fallback: (stream, { reason }) => {
        fallbacks.push({ stream, reason });
        return stream.close(4000, 'handled locally');
      },
    });
    const result = await simulateCall({ url }).done;
    expect(result.close).toMatchObject({ code: 4000, reason: 'handled locally' });
    expect(fallbacks.map((f) => [f.stream.callId, f.reason])).toEqual([
      [result.callId, 'no-worker'],
    ]);
    expect(bridge.stats.fallbacks).toBe(1);
    expect(bridge.stats.offers).toBeGreaterThan(0);
  });

  it('lets the worker close the call with its code, and the remote call settles as a local one', async () => {
    const { url, prefix } = await edge();
    const calls = subscribeCalls(await connection(), { prefix });
    onTestFinished(() => calls.close());
    const call = simulateCall({ url, hangupAfterMs: 10_000 });
    const remote = await takeOne(calls);
    const pending = remote.checkpoint('never');
    await remote.close(4001, 'bot done');
    expect(await remote.closed).toEqual({ code: 4001, reason: 'bot done' });
    expect((await call.done).close).toMatchObject({ code: 4001, reason: 'bot done', by: 'server' });
    expect(await pending).toBe(false); // the socket closed before the platform confirmed it
    expect(remote.isClosed).toBe(true);
    expect(await remote.playAudio(tone(800))).toEqual({ status: 'closed', playedMs: 0 });
    expect(() => remote.sendDtmf('1')).toThrow(
      expect.objectContaining({ code: 'ERR_STREAM_CLOSED' }),
    );
    expect(() => remote.sendDtmf('x')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_DIGITS' }),
    );
  });

  it('keeps a slow worker from growing anything: its iterator drops the oldest frames, counted', async () => {
    const { url, prefix, bridge } = await edge();
    const calls = subscribeCalls(await connection(), { prefix, bufferMs: 100 });
    onTestFinished(() => calls.close());
    const samples = new Int16Array(8000); // 1 s
    const call = simulateCall({ url, audio: { samples, sampleRate: 8000 }, speed: 0 });
    const remote = await takeOne(calls);
    const frames = remote.frames(); // never read while the call runs
    await call.done;
    await remote.closed;
    let read = 0;
    for await (const _ of frames) read++;
    expect(remote.stats.frames.inbound).toBe(50);
    expect(read).toBe(5); // 100 ms at 20 ms a frame
    expect(remote.stats.dropped).toBe(45);
    expect(bridge.stats.framesRelayed).toBe(50);
    expect(bridge.stats.droppedFrames).toBe(0);
  });

  it('closes the call through the fallback when its worker dies and onWorkerLost is close', async () => {
    const { url, prefix, bridge } = await edge({
      heartbeatMs: 50,
      workerTimeoutMs: 200,
      onWorkerLost: 'close',
      fallbackCloseCode: 1011,
    });
    const workerNc = await connection();
    const calls = subscribeCalls(workerNc, { prefix });
    const call = simulateCall({ url, hangupAfterMs: 10_000 });
    const remote = await takeOne(calls);
    const playback = remote.playAudio(tone(8000 * 5));
    await new Promise((r) => setTimeout(r, 100));
    await workerNc.close(); // the worker is gone without a word
    const result = await call.done;
    expect(result.close).toMatchObject({ code: 1011, reason: 'worker lost', by: 'server' });
    expect(bridge.stats.workersLost).toBe(1);
    expect(bridge.stats.reoffers).toBe(0);
    expect(bridge.stats.fallbacks).toBe(1);
    // The worker never heard back: its call ends by its own edge timeout.
    expect((await playback).status).toBe('closed');
  });

  it('ends a remote call whose edge went away, settling what was pending at once', async () => {
    const { url, prefix, nc: edgeNc } = await edge({ heartbeatMs: 50 });
    const calls = subscribeCalls(await connection(), { prefix, edgeTimeoutMs: 300 });
    onTestFinished(() => calls.close());
    const call = simulateCall({ url, hangupAfterMs: 10_000 });
    onTestFinished(async () => void (await call.hangup()));
    const remote = await takeOne(calls);
    await edgeNc.close();
    const playback = remote.playAudio(tone(8000));
    const checkpoint = remote.checkpoint();
    const t0 = performance.now();
    expect(await remote.closed).toEqual({ code: 1006, reason: 'edge lost' });
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await playback).toEqual({ status: 'closed', playedMs: 0 });
    expect(await checkpoint).toBe(false);
  });

  it('pulls a streaming playAudio source only as fast as the edge reads it (flow control)', async () => {
    const { url, prefix, bridge } = await edge();
    const calls = subscribeCalls(await connection(), { prefix, playWindow: 4 });
    onTestFinished(() => calls.close());
    const call = simulateCall({ url, hangupAfterMs: 10_000 });
    onTestFinished(async () => void (await call.hangup()));
    const remote = await takeOne(calls);
    let pulled = 0;
    async function* source(): AsyncGenerator<Int16Array> {
      for (let i = 0; i < 500; i++) {
        pulled++;
        yield tone(160); // 20 ms each: 10 s in all, available at once
      }
    }
    const playback = remote.playAudio(source());
    await new Promise((r) => setTimeout(r, 400));
    // The edge reads about 1.2 s ahead of what it has sent (60 chunks); the worker keeps at most
    // 4 more in flight. Without flow control all 500 would have been pulled by now.
    expect(pulled).toBeGreaterThan(20);
    expect(pulled).toBeLessThan(100);
    expect(bridge.stats.chunks).toBeLessThanOrEqual(pulled);
    await playback.cancel();
    expect((await playback).status).toBe('interrupted');
  });

  it('keeps what happens before a worker joins (frames and DTMF, in order) and hands it over', async () => {
    const { url, prefix, bridge } = await edge({ offerTimeoutMs: 5_000 });
    const samples = new Int16Array(8000); // 1 s
    const call = simulateCall({
      url,
      audio: { samples, sampleRate: 8000 },
      dtmf: [{ atMs: 100, digit: '7' }],
    });
    await new Promise((r) => setTimeout(r, 400)); // no worker yet: the edge keeps offering
    const calls = subscribeCalls(await connection(), { prefix });
    onTestFinished(() => calls.close());
    const remote = await takeOne(calls);
    const seen: string[] = [];
    remote.on('media', (frame) => seen.push(`f${frame.chunk}`));
    remote.on('dtmf', ({ digit }) => seen.push(`d${digit}`));
    await call.done;
    await remote.closed;
    const dtmfAt = seen.indexOf('d7');
    expect(seen.filter((s) => s.startsWith('f'))).toEqual(
      Array.from({ length: 50 }, (_, i) => `f${i + 1}`),
    );
    // The digit was pressed at 100 ms, after frame 5 and before frame 7.
    expect(dtmfAt).toBeGreaterThanOrEqual(5);
    expect(dtmfAt).toBeLessThanOrEqual(7);
    expect(bridge.stats.offers).toBeGreaterThan(1);
  });

  it('ignores a malformed offer: no call, no answer, counted', async () => {
    const prefix = `bad${process.pid}`;
    const nc = await connection();
    const calls = subscribeCalls(nc, { prefix });
    onTestFinished(() => calls.close());
    await nc.flush();
    const offer = { v: 1, session: 'a.b', attempt: 0, callId: 'c', streamId: 's', accountId: '' };
    for (const bad of ['not json', JSON.stringify(offer), JSON.stringify({ ...offer, v: 2 })]) {
      await expect(nc.request(`${prefix}.offer`, bad, { timeout: 150 })).rejects.toThrow();
    }
    expect(calls.stats).toMatchObject({ offers: 3, malformed: 3, accepted: 0, active: 0 });
  });

  it('throws a TypeError naming an invalid option', async () => {
    const nc = await connection();
    const server = createStreamServer();
    expect(() => bridgeCalls(server, nc, { prefix: 'a.*' })).toThrow(/"prefix"/);
    expect(() => bridgeCalls(server, nc, { heartbeatMs: 1000, workerTimeoutMs: 500 })).toThrow(
      /"workerTimeoutMs"/,
    );
    expect(() => bridgeCalls(server, nc, { onWorkerLost: 'retry' as 'close' })).toThrow(
      /"onWorkerLost"/,
    );
    expect(() => bridgeCalls(server, nc, { fallbackCloseCode: 1006 })).toThrow(
      /"fallbackCloseCode"/,
    );
    expect(() => subscribeCalls(nc, { queue: 'a b' })).toThrow(/"queue"/);
    expect(() => subscribeCalls(nc, { sampleRate: 7000 })).toThrow(/"sampleRate"/);
    expect(() => subscribeCalls(nc, { maxCalls: 0 })).toThrow(/"maxCalls"/);
  });
});

import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import alawmulaw from 'alawmulaw';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { acceptStream, isCallstreamError, type CallStream } from '@callstream/core';
import type { FakePlatform } from './helpers/fake-platform.js';
import { startServer, startMessage } from './helpers/server.js';

type Cmd = Record<string, unknown>;
const isPlay = (m: Cmd): boolean => m.event === 'playAudio';
const payloadOf = (m: Cmd): Buffer =>
  Buffer.from((m.media as { payload: string }).payload, 'base64');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call(options: Parameters<typeof startServer>[0] = {}, start = {}) {
  const env = await startServer(options);
  const streamP = env.nextStream();
  const platform: FakePlatform = await env.connect();
  platform.start({ streamId: 's-1', ...start });
  const stream = await streamP;
  return { ...env, platform, stream };
}

/** mu-law codes (no 0x7F, whose level 0 is shared with 0xFF) and their exact PCM levels. */
function levels(n: number): { codes: Uint8Array; pcm: Int16Array } {
  const codes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = (i * 101 + 3) & 0xff;
    codes[i] = c === 0x7f ? 0x7e : c;
  }
  return { codes, pcm: alawmulaw.mulaw.decode(codes) };
}

describe('playAudio', () => {
  it('sends exact playAudio JSON in 20 ms chunks, then a checkpoint, and settles played on playedStream', async () => {
    const { platform, stream } = await call();
    const { codes, pcm } = levels(800); // 100 ms at 8 kHz
    const playback = stream.playAudio(pcm);
    const checkpoint = await platform.waitFor((m) => m.event === 'checkpoint');
    expect(checkpoint).toEqual({ event: 'checkpoint', streamId: 's-1', name: playback.name });
    const plays = platform.raw.filter((t) => t.includes('"playAudio"'));
    expect(plays).toHaveLength(5);
    for (const [k, text] of plays.entries()) {
      const payload = Buffer.from(codes.subarray(k * 160, (k + 1) * 160)).toString('base64');
      expect(text).toBe(
        `{"event":"playAudio","streamId":"s-1","media":{"contentType":"audio/x-mulaw","sampleRate":8000,"payload":"${payload}"}}`,
      );
    }
    platform.played(playback.name);
    expect(await playback).toEqual({ status: 'played', playedMs: 100 });
    expect(stream.stats.playMessages).toBe(5);
    expect(stream.stats.checkpointsConfirmed).toBe(1);
  });

  it('pads the last chunk to whole 20 ms frames and honours chunkMs', async () => {
    const { platform, stream } = await call(
      { chunkMs: 60 },
      { encoding: 'audio/x-l16', sampleRate: 16000 },
    );
    const pcm = new Int16Array(16 * 130).fill(1000); // 130 ms
    const playback = stream.playAudio(pcm);
    await platform.waitFor((m) => m.event === 'checkpoint');
    const sizes = platform.received.filter(isPlay).map((m) => payloadOf(m).length / 2 / 16);
    expect(sizes).toEqual([60, 60, 20]); // ms: 130 ms of audio, padded to 140
    const last = new Int16Array(
      new Uint8Array(payloadOf(platform.received.filter(isPlay)[2] as Cmd)).buffer,
    );
    expect(Array.from(last.subarray(0, 160)).every((s) => s === 1000)).toBe(true);
    expect(Array.from(last.subarray(160)).every((s) => s === 0)).toBe(true);
    platform.played(playback.name);
    expect((await playback).playedMs).toBe(140);
  });

  it('encodes to the outputFormat option, little-endian L16 at 16 kHz, from 16 kHz PCM on a mu-law call', async () => {
    const { platform, stream } = await call({
      outputFormat: { encoding: 'audio/x-l16', sampleRate: 16000 },
    });
    const pcm = Int16Array.from({ length: 320 }, (_, i) => (i * 97 - 15000) | 0);
    stream.playAudio(pcm, { sampleRate: 16000 });
    const msg = await platform.waitFor(isPlay);
    expect((msg.media as Cmd).contentType).toBe('audio/x-l16');
    expect((msg.media as Cmd).sampleRate).toBe(16000);
    const bytes = payloadOf(msg);
    const got = Array.from({ length: 320 }, (_, i) => bytes.readInt16LE(i * 2));
    expect(got).toEqual(Array.from(pcm));
  });

  it('resamples PCM at another rate to the call rate (output length follows the ratio)', async () => {
    const { platform, stream } = await call();
    const pcm = Int16Array.from({ length: 16000 / 5 }, (_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)),
    );
    stream.playAudio(pcm, { sampleRate: 16000 }); // 200 ms
    await platform.waitFor((m) => m.event === 'checkpoint');
    const total = platform.received.filter(isPlay).reduce((n, m) => n + payloadOf(m).length, 0);
    expect(total).toBe(1600);
  });

  it('plays mu-law bytes as given, and PCM bytes split at odd offsets across a stream', async () => {
    const { platform, stream } = await call({}, { encoding: 'audio/x-l16', sampleRate: 8000 });
    const pcm = Int16Array.from({ length: 160 }, (_, i) => i * 200 - 16000);
    const bytes = new Uint8Array(pcm.buffer);
    async function* pieces() {
      yield bytes.subarray(0, 101); // odd split: a sample straddles two chunks
      yield bytes.subarray(101);
    }
    stream.playAudio(pieces(), { encoding: 'pcm' });
    const msg = await platform.waitFor(isPlay);
    const got = payloadOf(msg);
    expect(Array.from({ length: 160 }, (_, i) => got.readInt16LE(i * 2))).toEqual(Array.from(pcm));
  });

  it('paces audio a bounded lead ahead of real time: 1 s of audio leaves over about 1 s', async () => {
    const { platform, stream } = await call();
    const t0 = performance.now();
    stream.playAudio(new Int16Array(8000).fill(500));
    await platform.waitFor((m) => m.event === 'checkpoint', 0, 3000);
    const times = platform.received
      .map((m, i) => [m, (platform.receivedAt[i] as number) - t0] as const)
      .filter(([m]) => isPlay(m))
      .map(([, t]) => t);
    expect(times).toHaveLength(50);
    const early = times.filter((t) => t < 60).length;
    expect(early).toBeLessThanOrEqual(11); // the 200 ms lead, not the whole second
    expect(times[49] as number).toBeGreaterThan(600);
  });

  it('queues playbacks in order, each followed by its checkpoint', async () => {
    const { platform, stream } = await call();
    const a = stream.playAudio(new Int16Array(320).fill(1000));
    const mark = stream.checkpoint('between');
    const b = stream.playAudio(new Int16Array(160).fill(-1000));
    await platform.waitFor((m) => m.event === 'checkpoint' && m.name === b.name);
    const order = platform.received.map((m) => (m.event === 'checkpoint' ? m.name : m.event));
    expect(order).toEqual(['playAudio', 'playAudio', a.name, 'between', 'playAudio', b.name]);
    platform.played(a.name);
    platform.played('between');
    platform.played(b.name);
    expect(await a).toEqual({ status: 'played', playedMs: 40 });
    expect(await mark).toBe(true);
    expect(await b).toEqual({ status: 'played', playedMs: 20 });
  });

  it('streams an async iterable: the first audio leaves before the source has finished', async () => {
    const { platform, stream } = await call();
    let produced = 0;
    async function* tts() {
      for (let i = 0; i < 5; i++) {
        produced++;
        yield new Int16Array(160).fill(i * 100);
        await sleep(40);
      }
    }
    const playback = stream.playAudio(tts());
    await platform.waitFor(isPlay);
    expect(produced).toBeLessThan(5);
    await platform.waitFor((m) => m.event === 'checkpoint');
    expect(platform.received.filter(isPlay)).toHaveLength(5);
    platform.played(playback.name);
    expect((await playback).status).toBe('played');
  });

  it('clearAudio interrupts, holds new audio until clearedAudio, and ignores a stale ack', async () => {
    const { platform, stream } = await call();
    const playback = stream.playAudio(new Int16Array(8000 * 2).fill(300));
    const mark = stream.checkpoint('after');
    await platform.waitFor(isPlay);
    await sleep(100);
    const cleared = stream.clearAudio();
    const result = await playback;
    expect(result.status).toBe('interrupted');
    expect(result.playedMs).toBeGreaterThanOrEqual(50);
    expect(result.playedMs).toBeLessThanOrEqual(400);
    expect(await mark).toBe(false);
    await platform.waitFor((m) => m.event === 'clearAudio');
    const at = platform.received.findIndex((m) => m.event === 'clearAudio');
    expect(platform.raw.at(-1)).toBe('{"event":"clearAudio","streamId":"s-1"}');
    const replacement = stream.playAudio(new Int16Array(160).fill(1));
    await sleep(150);
    expect(platform.received.slice(at).filter(isPlay)).toHaveLength(0); // waits for clearedAudio
    platform.played(playback.name); // stale: its audio was flushed
    platform.cleared();
    await cleared;
    await platform.waitFor((m) => m.event === 'checkpoint' && m.name === replacement.name);
    expect(await playback).toEqual(result);
    expect(stream.stats.staleAcks).toBe(1);
    expect(stream.stats.clears).toBe(1);
  });

  it('clearAudio resolves after clearTimeoutMs when the platform never answers', async () => {
    const { platform, stream } = await call({ clearTimeoutMs: 200 });
    stream.playAudio(new Int16Array(8000).fill(300));
    await platform.waitFor(isPlay);
    const t0 = performance.now();
    await stream.clearAudio();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('cancel() of a playback not yet sent drops it locally without clearAudio', async () => {
    const { platform, stream } = await call();
    const first = stream.playAudio(new Int16Array(8000).fill(300));
    const second = stream.playAudio(new Int16Array(800).fill(300));
    await second.cancel();
    expect(await second).toEqual({ status: 'interrupted', playedMs: 0 });
    await sleep(50);
    expect(platform.received.some((m) => m.event === 'clearAudio')).toBe(false);
    const cancelled = first.cancel();
    expect((await first).status).toBe('interrupted');
    await platform.waitFor((m) => m.event === 'clearAudio');
    platform.cleared();
    await cancelled;
    expect(platform.received.filter((m) => m.event === 'clearAudio')).toHaveLength(1);
  });

  it('an AbortSignal cancels a playback', async () => {
    const { stream } = await call();
    const ac = new AbortController();
    const playback = stream.playAudio(new Int16Array(8000), { signal: ac.signal });
    ac.abort();
    expect((await playback).status).toBe('interrupted');
  });

  it('settles playbacks closed and checkpoints false when the socket closes mid-playback', async () => {
    const { platform, stream } = await call();
    const playback = stream.playAudio(new Int16Array(8000 * 3));
    const mark = stream.checkpoint();
    await platform.waitFor(isPlay);
    platform.ws.terminate();
    const result = await playback;
    expect(result.status).toBe('closed');
    expect(await mark).toBe(false);
    expect((await stream.playAudio(new Int16Array(160))).status).toBe('closed');
  });

  it('checkpoint() round-trips with exact JSON', async () => {
    const { platform, stream } = await call();
    const ok = stream.checkpoint('greeting-1');
    await platform.waitFor((m) => m.event === 'checkpoint');
    expect(platform.raw.at(-1)).toBe('{"event":"checkpoint","streamId":"s-1","name":"greeting-1"}');
    platform.played('greeting-1');
    expect(await ok).toBe(true);
  });

  it('sendDtmf sends exact JSON and rejects digits outside [0-9A-D*#]', async () => {
    const { platform, stream } = await call();
    stream.sendDtmf('12A#*');
    await platform.waitFor((m) => m.event === 'sendDTMF');
    expect(platform.raw.at(-1)).toBe('{"event":"sendDTMF","dtmf":"12A#*"}');
    for (const bad of ['', '12E', 'a', '1 2']) {
      let error: unknown;
      try {
        stream.sendDtmf(bad);
      } catch (err) {
        error = err;
      }
      expect(isCallstreamError(error, 'ERR_INVALID_DIGITS')).toBe(true);
    }
  });

  it('rejects invalid playAudio input with typed errors', () => {
    return call().then(({ stream }) => {
      expect(() => stream.playAudio('nope' as never)).toThrowError(/playAudio takes/);
      expect(() => stream.playAudio(new Uint8Array(3))).toThrowError(/even number of bytes/);
      expect(() => stream.playAudio(new Int16Array(2), { sampleRate: 7999 })).toThrowError(
        /sampleRate/,
      );
    });
  });
});

describe('playAudio argument errors', () => {
  const cases: [string, () => Parameters<CallStream['playAudio']>, RegExp][] = [
    ['a string as audio', () => ['nope' as never], /playAudio takes/],
    ['null as audio', () => [null as never], /playAudio takes/],
    ['an object that is not iterable', () => [{} as never], /playAudio takes/],
    ['a sync iterable', () => [[new Int16Array(160)] as never], /playAudio takes/],
    ['16-bit bytes of odd length', () => [new Uint8Array(3)], /even number of bytes/],
    ['L16 bytes of odd length', () => [new Uint8Array(5), { encoding: 'audio/x-l16' }], /even/],
    ['options that are not an object', () => [new Int16Array(2), 'fast' as never], /options/],
    ['null options', () => [new Int16Array(2), null as never], /options/],
    ['a sampleRate below 8000', () => [new Int16Array(2), { sampleRate: 7999 }], /"sampleRate"/],
    ['a fractional sampleRate', () => [new Int16Array(2), { sampleRate: 16000.5 }], /"sampleRate"/],
    [
      'a string sampleRate',
      () => [new Int16Array(2), { sampleRate: '16000' as never }],
      /"sampleRate"/,
    ],
    ['an unknown encoding', () => [new Uint8Array(2), { encoding: 'opus' as never }], /"encoding"/],
    [
      'a signal that is not an AbortSignal',
      () => [new Int16Array(2), { signal: {} as never }],
      /"signal"/,
    ],
    ['an empty name', () => [new Int16Array(2), { name: '' }], /"name"/],
    ['a name that is not a string', () => [new Int16Array(2), { name: 42 as never }], /"name"/],
  ];

  /** A stream straight from acceptStream, so it can be used before `start` arrives. */
  async function unstarted() {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    onTestFinished(() => new Promise<void>((r) => wss.close(() => r())));
    const accepted = new Promise<CallStream>((resolve) =>
      wss.once('connection', (socket, req: IncomingMessage) => resolve(acceptStream(socket, req))),
    );
    const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    onTestFinished(() => ws.terminate());
    const received: string[] = [];
    ws.on('message', (data) => received.push(String(data)));
    await once(ws, 'open');
    return { ws, received, stream: await accepted };
  }

  function thrown(run: () => unknown): unknown {
    try {
      run();
    } catch (err) {
      return err;
    }
    return undefined;
  }

  it('throws each one synchronously as ERR_INVALID_AUDIO naming the argument, before and after start', async () => {
    const { ws, received, stream } = await unstarted();
    const check = (phase: string): void => {
      for (const [what, args, message] of cases) {
        const err = thrown(() => stream.playAudio(...args()));
        expect(isCallstreamError(err, 'ERR_INVALID_AUDIO'), `${what} ${phase}`).toBe(true);
        expect((err as Error).message, `${what} ${phase}`).toMatch(message);
      }
    };
    check('before start');
    ws.send(startMessage('audio/x-l16', 16000));
    await stream.started;
    check('after start');
    // Nothing of it was queued: a valid playback after them is the only audio sent.
    const playback = stream.playAudio(new Int16Array(320), { name: 'ok' });
    await new Promise((r) => setTimeout(r, 50));
    expect(received.map((t) => (JSON.parse(t) as { event: string }).event)).toStrictEqual([
      'playAudio',
      'checkpoint',
    ]);
    expect(playback.name).toBe('ok');
    expect(stream.stats.playMessages).toBe(1);
    await stream.close();
    expect((await playback).status).toBe('closed');
  });
});

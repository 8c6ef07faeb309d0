import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import alawmulaw from 'alawmulaw';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createResampler,
  parseWav,
  recordCall,
  type AudioFrame,
  type CallStream,
  type StreamOptions,
} from '@callstream/core';
import { le16, type FakePlatform, type StartSpec } from './helpers/fake-platform.js';
import { collect, startServer } from './helpers/server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call(options: StreamOptions = {}, start: StartSpec = {}) {
  const env = await startServer(options);
  const streamP = env.nextStream();
  const platform: FakePlatform = await env.connect();
  platform.start(start);
  const stream: CallStream = await streamP;
  return { ...env, platform, stream };
}

/** mu-law bytes of frame `k` (160 per frame, every code used) and their exact decode. */
function mulawFrame(k: number): { bytes: Uint8Array; pcm: Int16Array } {
  const bytes = Uint8Array.from({ length: 160 }, (_, i) => (i * 37 + k * 11) & 0xff);
  return { bytes, pcm: alawmulaw.mulaw.decode(bytes) };
}

const concat = (parts: readonly Int16Array[]): Int16Array => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Waits until `stream.stats.messages` reaches `n` (the frames sent have all arrived). */
async function arrived(stream: CallStream, n: number): Promise<void> {
  for (let i = 0; i < 400 && stream.stats.messages < n; i++) await sleep(10);
  expect(stream.stats.messages).toBe(n);
}

describe('early audio goes to every consumer attached before it is handed out', () => {
  for (const order of ['listener first', 'iterator first'] as const) {
    it(`gives a media listener and an iterator attached in the same tick after an await chunks 1..n, sample-exact (${order})`, async () => {
      const { platform, stream } = await call();
      const n = 6;
      for (let k = 1; k <= n; k++) platform.media(mulawFrame(k).bytes);
      await arrived(stream, n + 1); // after an await: the frames are kept for the first consumer
      const heard: AudioFrame[] = [];
      const listen = (): void => void stream.on('media', (f) => heard.push(f));
      let iterated: Promise<AudioFrame[]>;
      if (order === 'listener first') {
        listen();
        iterated = collect(stream.frames());
      } else {
        iterated = collect(stream.frames());
        listen();
      }
      await sleep(20);
      platform.media(mulawFrame(n + 1).bytes); // and the live frames after them
      await platform.close();
      const frames = await iterated;
      const expected = concat(Array.from({ length: n + 1 }, (_, k) => mulawFrame(k + 1).pcm));
      for (const got of [heard, frames]) {
        expect(got.map((f) => f.chunk)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(concat(got.map((f) => f.samples))).toEqual(expected);
      }
      expect(stream.stats.dropped).toBe(0);
    });
  }

  it('records the opening audio with recordCall started next to a transcription loop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'early-audio-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const { server, connect } = await startServer();
    const done = new Promise<{ transcribed: AudioFrame[]; recording: Promise<void> }>((resolve) => {
      server.on('stream', async (stream) => {
        await sleep(100); // e.g. connecting to a speech service
        const transcribed = collect(stream.frames({ track: 'inbound' }));
        const recording = recordCall(stream, join(dir, 'call.wav'));
        resolve({ transcribed: await transcribed, recording });
      });
    });
    const platform = await connect();
    platform.start();
    const n = 5;
    for (let k = 1; k <= n; k++) platform.media(mulawFrame(k).bytes);
    await sleep(200);
    await platform.close();
    const { transcribed, recording } = await done;
    await recording;
    const expected = concat(Array.from({ length: n }, (_, k) => mulawFrame(k + 1).pcm));
    expect(concat(transcribed.map((f) => f.samples))).toEqual(expected);
    const samples = parseWav(await readFile(join(dir, 'call.wav'))).samples;
    const left = samples.filter((_, i) => i % 2 === 0);
    expect(left).toEqual(expected);
  });
});

describe('bounded buffers and gaps', () => {
  it('keeps bufferMs of audio before the first consumer on a single-track call, not twice that', async () => {
    const { platform, stream } = await call({ bufferMs: 1000 }); // 50 frames
    for (let k = 1; k <= 80; k++) platform.media(mulawFrame(k).bytes);
    await arrived(stream, 81);
    const frames = collect(stream);
    await sleep(10);
    await platform.close();
    expect((await frames).map((f) => f.chunk)).toEqual(
      Array.from({ length: 50 }, (_, k) => k + 31),
    );
    expect(stream.stats.dropped).toBe(30);
  });

  it('keeps bufferMs per track on a two-track call', async () => {
    const { platform, stream } = await call(
      { bufferMs: 1000 },
      { tracks: ['inbound', 'outbound'] },
    );
    for (let k = 1; k <= 80; k++) {
      platform.media(mulawFrame(k).bytes, 'inbound');
      platform.media(mulawFrame(k).bytes, 'outbound');
    }
    await arrived(stream, 161);
    const frames = collect(stream);
    await sleep(10);
    await platform.close();
    const got = await frames;
    for (const track of ['inbound', 'outbound'] as const) {
      expect(got.filter((f) => f.track === track).map((f) => f.chunk)).toEqual(
        Array.from({ length: 50 }, (_, k) => k + 31),
      );
    }
    expect(stream.stats.dropped).toBe(60);
  });

  it('bounds an iterator that does not read to bufferMs on a single-track call', async () => {
    const { platform, stream } = await call({ bufferMs: 1000 });
    const it = stream.frames(); // every track, but the call has one
    await sleep(10);
    for (let k = 1; k <= 80; k++) platform.media(mulawFrame(k).bytes);
    await arrived(stream, 81);
    await platform.close();
    const got: number[] = [];
    for await (const f of it) got.push(f.chunk);
    expect(got).toEqual(Array.from({ length: 50 }, (_, k) => k + 31));
    expect(stream.stats.dropped).toBe(30);
  });

  it('resynchronises after a wild chunk, so later frames are neither gaps nor out of order', async () => {
    const { platform, stream } = await call({ fillGaps: true });
    const frames = collect(stream);
    const chunks = [1, 2, 1e12, 3, 4, 5, 3, 9, 60, 112, 110];
    for (const [k, chunk] of chunks.entries())
      platform.media(mulawFrame(k).bytes, 'inbound', chunk);
    await arrived(stream, chunks.length + 1);
    await platform.close();
    const got = await frames;
    // 1e12 and the return to 3 are resyncs; 3 after 5 is out of order; 5 → 9 fills 3 frames;
    // 9 → 60 fills the maximum gap of 50; 60 → 112 (51 missing) is a resync; 110 is late.
    expect(stream.stats).toMatchObject({
      gaps: { inbound: 53, outbound: 0 },
      filledFrames: 53,
      resyncs: 3,
      outOfOrder: 2,
    });
    expect(got.map((f) => f.chunk)).toEqual([
      1,
      2,
      1e12,
      3,
      4,
      5,
      3,
      6,
      7,
      8,
      9,
      ...Array.from({ length: 50 }, (_, k) => k + 10),
      60,
      112,
      110,
    ]);
  });

  it('fills gaps with no more silence than the audio that arrived, plus one maximum gap', async () => {
    const { platform, stream } = await call({ fillGaps: true });
    let samples = 0;
    stream.on('media', (f) => (samples += f.samples.length));
    // 100 frames, each after the largest gap that still counts as loss (50 missing chunks).
    for (let k = 0; k < 100; k++) platform.media(mulawFrame(k).bytes, 'inbound', 1 + k * 51);
    await arrived(stream, 101);
    await platform.close();
    // The budget starts at 50 and grows by one per frame: the gaps before frames 2 and 51 are
    // filled (50 frames each), the other 97 are counted only.
    expect(stream.stats).toMatchObject({
      gaps: { inbound: 99 * 50, outbound: 0 },
      filledFrames: 100,
      resyncs: 0,
      outOfOrder: 0,
    });
    expect(samples).toBe((100 + 100) * 160);
  });

  it('allocates silence only for gaps up to the maximum: 200 wild jumps with fillGaps make none', async () => {
    const { platform, stream } = await call({ fillGaps: true });
    let samples = 0;
    stream.on('media', (f) => (samples += f.samples.length));
    for (let k = 0; k < 200; k++) platform.media(mulawFrame(k).bytes, 'inbound', 1 + k * 300);
    await arrived(stream, 201);
    await platform.close();
    expect(stream.stats).toMatchObject({
      gaps: { inbound: 0, outbound: 0 },
      filledFrames: 0,
      resyncs: 199,
      outOfOrder: 0,
    });
    expect(samples).toBe(200 * 160); // what arrived, no silence on top
  });
});

describe('frames of one call never share memory with another call', () => {
  it("keeps call B's samples out of every frame.samples.buffer of call A, and never rewrites a held frame", async () => {
    const env = await startServer();
    const streams: CallStream[] = [];
    env.server.on('stream', (s) => streams.push(s));
    const a = await env.connect();
    a.start({ encoding: 'audio/x-l16', sampleRate: 8000, streamId: 'a' });
    const b = await env.connect();
    b.start({ encoding: 'audio/x-l16', sampleRate: 16000, streamId: 'b' });
    for (let i = 0; i < 100 && streams.length < 2; i++) await sleep(5);
    const [streamA, streamB] = streams.sort((x, y) => x.streamId.localeCompare(y.streamId));
    const framesA = collect(streamA as CallStream);
    const framesB = collect(streamB as CallStream);
    // A's samples are 1..999, B's are -1000 and below: either in the other's memory shows.
    const frameA = (k: number): number[] =>
      Array.from({ length: 160 }, (_, i) => 1 + ((k + i) % 999));
    const frameB = (k: number): number[] =>
      Array.from({ length: 320 }, (_, i) => -1000 - ((k * 7 + i) % 999));
    for (let k = 0; k < 200; k++) {
      a.media(le16(frameA(k)));
      b.media(le16(frameB(k)));
    }
    await arrived(streamA as CallStream, 201);
    await arrived(streamB as CallStream, 201);
    await a.close();
    await b.close();
    const gotA = await framesA;
    const gotB = await framesB;
    expect(gotA).toHaveLength(200);
    expect(gotB).toHaveLength(200);
    for (const [k, f] of gotA.entries()) {
      expect(Array.from(f.samples)).toEqual(frameA(k)); // a held frame is unchanged
      const whole = new Int16Array(f.samples.buffer, 0, f.samples.buffer.byteLength >> 1);
      expect(whole.some((s) => s < 0)).toBe(false);
    }
    for (const [k, f] of gotB.entries()) {
      expect(Array.from(f.samples)).toEqual(frameB(k));
      const whole = new Int16Array(f.samples.buffer, 0, f.samples.buffer.byteLength >> 1);
      expect(whole.some((s) => s > 0)).toBe(false);
    }
  });
});

describe('resampled frames', () => {
  for (const [from, to] of [
    [8000, 16000],
    [8000, 24000],
    [16000, 8000],
  ] as const) {
    it(`yields exactly 20 ms frames at ${to} Hz from a ${from} Hz call, timed as the input and sample-exact against a one-shot resample`, async () => {
      const { platform, stream } = await call({}, { encoding: 'audio/x-l16', sampleRate: from });
      const resampled = collect(stream.frames({ sampleRate: to }));
      const n = 25;
      const input = Array.from({ length: n }, (_, k) =>
        Int16Array.from({ length: from / 50 }, (_, i) =>
          Math.round(9000 * Math.sin((2 * Math.PI * 440 * (k * (from / 50) + i)) / from)),
        ),
      );
      for (const pcm of input) platform.media(le16(pcm));
      await arrived(stream, n + 1);
      await platform.close();
      const frames = await resampled;
      const oneShot = createResampler(from, to);
      const whole = concat([oneShot.process(concat(input)), oneShot.flush()]);
      expect(frames.map((f) => f.samples.length)).toEqual(new Array(n).fill(to / 50));
      expect(frames.map((f) => f.chunk)).toEqual(Array.from({ length: n }, (_, k) => k + 1));
      expect(frames.map((f) => f.timestamp)).toEqual(
        Array.from({ length: n }, (_, k) => 1_705_312_200_000 + 20 * (k + 1)),
      );
      expect(frames.every((f) => f.sampleRate === to)).toBe(true);
      expect(concat(frames.map((f) => f.samples))).toEqual(whole);
    });
  }

  it('alternates frame lengths at a rate that is not a multiple of 50 Hz, adding up to the one-shot resample', async () => {
    const { platform, stream } = await call();
    const resampled = collect(stream.frames({ sampleRate: 11025 }));
    const n = 10;
    for (let k = 1; k <= n; k++) platform.media(mulawFrame(k).bytes);
    await arrived(stream, n + 1);
    await platform.close();
    const frames = await resampled;
    const oneShot = createResampler(8000, 11025);
    const input = concat(Array.from({ length: n }, (_, k) => mulawFrame(k + 1).pcm));
    const whole = concat([oneShot.process(input), oneShot.flush()]);
    // Frame k ends at round((k + 1) · 11025 / 50): 220 or 221 samples, 2205 in all.
    expect(frames.map((f) => f.samples.length)).toEqual([
      221, 220, 221, 220, 221, 220, 221, 220, 221, 220,
    ]);
    expect(concat(frames.map((f) => f.samples))).toEqual(whole);
    expect(frames[1]?.timestamp).toBeCloseTo(1_705_312_200_040 + (221 - 220.5) / 11.025, 6);
  });
});

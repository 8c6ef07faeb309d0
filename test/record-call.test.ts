import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import alawmulaw from 'alawmulaw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWav, recordCall, type CallStream, type StreamOptions } from '@callstream/core';
import { le16, type FakePlatform, type StartSpec } from './helpers/fake-platform.js';
import { startServer } from './helpers/server.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-call-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call(start: StartSpec = {}, options: StreamOptions = {}) {
  const env = await startServer(options);
  const streamP = env.nextStream();
  const platform: FakePlatform = await env.connect();
  platform.start(start);
  const stream: CallStream = await streamP;
  return { platform, stream };
}

/** Splits interleaved stereo into its channels. */
function channels(samples: Int16Array): { left: Int16Array; right: Int16Array } {
  const n = samples.length / 2;
  const left = new Int16Array(n);
  const right = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    left[i] = samples[2 * i] as number;
    right[i] = samples[2 * i + 1] as number;
  }
  return { left, right };
}

/** mu-law bytes that use every code, and their exact decode (reference: alawmulaw). */
function mulaw(n: number, seed = 0): { bytes: Uint8Array; pcm: Int16Array } {
  const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed) & 0xff);
  return { bytes, pcm: alawmulaw.mulaw.decode(bytes) };
}

function ramp(n: number, seed: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => ((i * 2654 + seed * 977) % 65536) - 32768);
}

/** Sends `count` frames at real-time pace: frame k leaves when its 20 ms have passed. */
async function paced(count: number, send: (k: number) => void): Promise<void> {
  const t = performance.now();
  for (let k = 1; k <= count; k++) {
    const wait = t + k * 20 - performance.now();
    if (wait > 0) await sleep(wait);
    send(k);
  }
}

/**
 * Where moments fall on the recording, by the model recordCall documents: a frame arrives when
 * its 20 ms have been captured, and the least-delayed frame so far anchors the clock. Positions
 * are at 8 kHz.
 *
 * The library takes its own instants (the frame's arrival in recordCall's listener, the send of a
 * message), and the OS can preempt the test between any instant it takes and the library's. So a
 * test instant is only a bound: create the clock before recordCall, so its "early" anchor is taken
 * before recordCall's on every frame (never later), and call `at` after, so the "late" anchor is
 * taken after (never earlier). `at` marks the instant before an action runs against the late
 * anchor: never after where the library places what the action sends. `arrivals` marks the instant
 * each message reaches the platform against the early anchor: never before.
 */
function frameClock(stream: CallStream) {
  let early = Infinity;
  stream.on('media', (frame) => {
    if (frame.track === 'inbound') early = Math.min(early, performance.now() - frame.chunk * 20);
  });
  return {
    /** Runs `actions[k]` when inbound frame k arrives; the returned marks are lower bounds. */
    at(actions: Record<number, () => void>): Map<number, number> {
      const marks = new Map<number, number>();
      let late = Infinity;
      stream.on('media', (frame) => {
        if (frame.track !== 'inbound') return;
        const now = performance.now();
        late = Math.min(late, now - frame.chunk * 20);
        const action = actions[frame.chunk];
        if (action === undefined) return;
        marks.set(frame.chunk, Math.round((now - late) * 8));
        action();
      });
      return marks;
    },
    /** Where each kind of message first reached the platform, by its `event`: upper bounds. */
    arrivals(platform: FakePlatform): Map<string, number> {
      const marks = new Map<string, number>();
      platform.ws.on('message', (data) => {
        const now = performance.now();
        const { event } = JSON.parse(String(data)) as { event: string };
        if (!marks.has(event)) marks.set(event, Math.round((now - early) * 8));
      });
      return marks;
    },
  };
}

/** `position` lies between the moment an action ran and the moment its message reached the platform. */
function expectBetween(position: number, from: number | undefined, to: number | undefined): void {
  expect(from).toBeDefined();
  expect(to).toBeDefined();
  expect(position).toBeGreaterThanOrEqual(from as number);
  expect(position).toBeLessThanOrEqual(to as number);
}

/** Index of the first and one past the last sample that is not silence. */
function span(pcm: Int16Array): { first: number; end: number } {
  let first = -1;
  let end = -1;
  for (let i = 0; i < pcm.length; i++) {
    if (pcm[i] !== 0) {
      if (first < 0) first = i;
      end = i + 1;
    }
  }
  return { first, end };
}

describe('recordCall', () => {
  it('writes a stereo 8 kHz WAV of a mu-law call, the caller sample-exact on the left', async () => {
    const { platform, stream } = await call({ encoding: 'audio/x-mulaw', sampleRate: 8000 });
    const path = join(dir, `${stream.callId}.wav`);
    const recording = recordCall(stream, path);
    const { bytes, pcm } = mulaw(160 * 25);
    for (let k = 0; k < 25; k++) platform.media(bytes.subarray(k * 160, (k + 1) * 160));
    await platform.close();
    await recording;

    const file = await readFile(path);
    // The header, byte by byte: RIFF size, fmt, 2 channels, 8000 Hz, 32000 B/s, 4-byte frames, 16 bits.
    expect(file.toString('latin1', 0, 4)).toBe('RIFF');
    expect(file.readUInt32LE(4)).toBe(file.length - 8);
    expect(file.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(file.readUInt32LE(16)).toBe(16);
    expect(file.readUInt16LE(20)).toBe(1);
    expect(file.readUInt16LE(22)).toBe(2);
    expect(file.readUInt32LE(24)).toBe(8000);
    expect(file.readUInt32LE(28)).toBe(32000);
    expect(file.readUInt16LE(32)).toBe(4);
    expect(file.readUInt16LE(34)).toBe(16);
    expect(file.toString('latin1', 36, 40)).toBe('data');
    expect(file.readUInt32LE(40)).toBe(160 * 25 * 4);
    expect(file.length).toBe(44 + 160 * 25 * 4);

    const wav = parseWav(file);
    expect(wav).toMatchObject({ channels: 2, sampleRate: 8000, bitsPerSample: 16 });
    const { left, right } = channels(wav.samples);
    expect(left).toEqual(pcm);
    expect(right).toEqual(new Int16Array(pcm.length));
  });

  it('records an L16 16 kHz call at 16 kHz, sample-exact', async () => {
    const { platform, stream } = await call({ encoding: 'audio/x-l16', sampleRate: 16000 });
    const path = join(dir, 'l16.wav');
    const recording = recordCall(stream, path);
    const pcm = ramp(320 * 30, 3);
    for (let k = 0; k < 30; k++) platform.media(le16(pcm.subarray(k * 320, (k + 1) * 320)));
    await platform.close();
    await recording;
    const wav = parseWav(await readFile(path));
    expect(wav).toMatchObject({ channels: 2, sampleRate: 16000 });
    expect(channels(wav.samples).left).toEqual(pcm);
  });

  it('leaves 20 ms of silence where a chunk is missing, and places the next frame after it', async () => {
    const { platform, stream } = await call();
    const path = join(dir, 'gap.wav');
    const recording = recordCall(stream, path);
    const { bytes, pcm } = mulaw(160 * 10, 1);
    for (let k = 1; k <= 10; k++) {
      if (k !== 5) platform.media(bytes.subarray((k - 1) * 160, k * 160), 'inbound', k);
    }
    await platform.close();
    await recording;
    const { left } = channels(parseWav(await readFile(path)).samples);
    const expected = pcm.slice();
    expected.fill(0, 4 * 160, 5 * 160);
    expect(left).toEqual(expected);
  });

  it('puts the outbound track on the right for a unidirectional call with both tracks', async () => {
    const { platform, stream } = await call({
      tracks: ['inbound', 'outbound'],
      encoding: 'audio/x-l16',
      sampleRate: 8000,
    });
    const path = join(dir, 'both.wav');
    const recording = recordCall(stream, path);
    const caller = ramp(160 * 12, 1);
    const callee = ramp(160 * 12, 2);
    for (let k = 0; k < 12; k++) {
      platform.media(le16(caller.subarray(k * 160, (k + 1) * 160)), 'inbound');
      platform.media(le16(callee.subarray(k * 160, (k + 1) * 160)), 'outbound');
    }
    await platform.close();
    await recording;
    const { left, right } = channels(parseWav(await readFile(path)).samples);
    expect(left).toEqual(caller);
    expect(right).toEqual(callee);
  });

  it('puts the played audio on the right, sample-exact, at the time it plays', async () => {
    const { platform, stream } = await call();
    const path = join(dir, 'played.wav');
    const clock = frameClock(stream);
    const recording = recordCall(stream, path);
    const tone = Int16Array.from(
      { length: 2400 },
      (_, i) => Math.round(8000 * Math.sin(i / 3)) || 1,
    );
    // The bot answers as frame 10 (0-200 ms) arrives: the caller hears it from about 200 ms on.
    const marks = clock.at({ 10: () => void stream.playAudio(tone) });
    const arrived = clock.arrivals(platform);
    const silence = new Uint8Array(160).fill(0xff);
    await paced(60, () => platform.media(silence));
    await platform.close();
    await recording;
    const { left, right } = channels(parseWav(await readFile(path)).samples);
    expect(left.length).toBe(60 * 160);
    const { first, end } = span(right);
    expectBetween(first, marks.get(10), arrived.get('playAudio'));
    expect(end - first).toBe(tone.length);
    expect(right.subarray(first, end)).toEqual(tone);
  });

  it('places audio the bot sends before the first frame from the start of the recording', async () => {
    const { platform, stream } = await call();
    const path = join(dir, 'greeting.wav');
    const recording = recordCall(stream, path);
    const greeting = new Int16Array(1600).fill(-7000); // 200 ms, sent at once on start
    stream.playAudio(greeting);
    const silence = new Uint8Array(160).fill(0xff);
    await paced(25, () => platform.media(silence));
    await platform.close();
    await recording;
    const { right } = channels(parseWav(await readFile(path)).samples);
    const { first, end } = span(right);
    expect(first).toBeLessThanOrEqual(160);
    expect(end - first).toBe(1600);
  });

  it('leaves out the bot audio a clearAudio flushed', async () => {
    const { platform, stream } = await call();
    const path = join(dir, 'cleared.wav');
    const clock = frameClock(stream);
    const recording = recordCall(stream, path);
    const tone = new Int16Array(8000 * 2).fill(5000); // 2 s
    const arrived = clock.arrivals(platform);
    const marks = clock.at({
      5: () => void stream.playAudio(tone), // plays from about 100 ms
      30: () => void stream.clearAudio(), // cut at about 600 ms
    });
    platform.ws.on('message', (data) => {
      if (String(data).includes('"clearAudio"')) platform.cleared();
    });
    const silence = new Uint8Array(160).fill(0xff);
    await paced(50, () => platform.media(silence));
    await platform.close();
    await recording;
    const { right } = channels(parseWav(await readFile(path)).samples);
    const { first, end } = span(right);
    expectBetween(first, marks.get(5), arrived.get('playAudio'));
    expectBetween(end, marks.get(30), arrived.get('clearAudio'));
    expect(end - first).toBeGreaterThan(3200); // at least 400 of the 500 ms before the cut
    expect(right.subarray(first, end).every((s) => s === 5000)).toBe(true);
  });

  it('resamples bot audio sent at another rate to the recording rate', async () => {
    const { platform, stream } = await call(
      {},
      { outputFormat: { encoding: 'audio/x-l16', sampleRate: 16000 } },
    );
    const path = join(dir, 'resampled.wav');
    const clock = frameClock(stream);
    const recording = recordCall(stream, path);
    const tone16k = Int16Array.from({ length: 16000 * 0.5 }, (_, i) =>
      Math.round(10000 * Math.sin((2 * Math.PI * 400 * i) / 16000)),
    );
    const marks = clock.at({ 5: () => void stream.playAudio(tone16k, { sampleRate: 16000 }) });
    const arrived = clock.arrivals(platform);
    const silence = new Uint8Array(160).fill(0xff);
    await paced(40, () => platform.media(silence));
    await platform.close();
    await recording;
    const wav = parseWav(await readFile(path));
    expect(wav.sampleRate).toBe(8000);
    const { right } = channels(wav.samples);
    const { first, end } = span(right);
    expectBetween(first, marks.get(5), arrived.get('playAudio'));
    expect(Math.abs(end - first - 4000)).toBeLessThanOrEqual(16); // 500 ms at 8 kHz
    // Still a 400 Hz sine of amplitude 10000 (not 200 Hz, as 16 kHz samples taken for 8 kHz would be).
    const mid = right.subarray(first + 1000, first + 1400); // 20 whole periods at 8 kHz
    let a = 0;
    let b = 0;
    let energy = 0;
    mid.forEach((x, i) => {
      a += x * Math.sin((2 * Math.PI * 400 * i) / 8000);
      b += x * Math.cos((2 * Math.PI * 400 * i) / 8000);
      energy += x * x;
    });
    const amplitude = (2 / mid.length) * Math.hypot(a, b);
    expect(amplitude).toBeGreaterThan(9700);
    expect(amplitude).toBeLessThan(10300);
    // Almost all the energy is in that tone.
    expect((amplitude * amplitude * mid.length) / 2 / energy).toBeGreaterThan(0.99);
  });

  it('mixes the outbound track and the played audio on the right with saturation', async () => {
    const { platform, stream } = await call({
      tracks: ['inbound', 'outbound'],
      encoding: 'audio/x-l16',
      sampleRate: 8000,
    });
    const path = join(dir, 'mixed.wav');
    const recording = recordCall(stream, path);
    stream.on('media', (frame) => {
      if (frame.track === 'inbound' && frame.chunk === 5)
        stream.playAudio(new Int16Array(1600).fill(30000));
    });
    const loud = le16(new Int16Array(160).fill(30000));
    const quiet = le16(new Int16Array(160));
    await paced(30, () => {
      platform.media(quiet, 'inbound');
      platform.media(loud, 'outbound');
    });
    await platform.close();
    await recording;
    const { right } = channels(parseWav(await readFile(path)).samples);
    expect(right.length).toBe(30 * 160);
    // The whole 200 ms of bot audio overlaps the outbound track: 1600 saturated samples, no wrap-around.
    expect(right.filter((s) => s === 32767).length).toBe(1600);
    expect(right.every((s) => s === 30000 || s === 32767)).toBe(true);
  });

  it('writes the file as the call goes, keeping only the look-behind window in memory', async () => {
    const { platform, stream } = await call();
    const path = join(dir, 'streaming.wav');
    const recording = recordCall(stream, path, { lookBehindMs: 500 });
    const { bytes } = mulaw(160);
    for (let k = 0; k < 150; k++) platform.media(bytes); // 3 s of call time at once
    let size = 0;
    for (let i = 0; i < 100 && size < 44 + 2 * 8000 * 4; i++) {
      await sleep(20);
      // The file is created asynchronously: on a loaded machine it may not exist yet.
      size = await stat(path).then(
        (s) => s.size,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return 0;
          throw err;
        },
      );
    }
    // At least the 2.5 s before the window are on disk before the call ends.
    expect(size).toBeGreaterThanOrEqual(44 + 2 * 8000 * 4);
    expect(size).toBeLessThanOrEqual(44 + 3 * 8000 * 4);
    await platform.close();
    await recording;
    expect((await stat(path)).size).toBe(44 + 3 * 8000 * 4);
  });

  it('stops and finalizes the file when its signal aborts, while the call goes on', async () => {
    const { platform, stream } = await call();
    const path = join(dir, 'aborted.wav');
    const controller = new AbortController();
    const recording = recordCall(stream, path, { signal: controller.signal });
    const { bytes, pcm } = mulaw(160 * 8);
    for (let k = 0; k < 4; k++) platform.media(bytes.subarray(k * 160, (k + 1) * 160));
    await new Promise<void>((resolve) => {
      stream.on('media', (f) => f.chunk === 4 && resolve());
    });
    controller.abort();
    await recording;
    expect(stream.isClosed).toBe(false);
    for (let k = 4; k < 8; k++) platform.media(bytes.subarray(k * 160, (k + 1) * 160));
    await platform.close();
    const { left } = channels(parseWav(await readFile(path)).samples);
    expect(left).toEqual(pcm.subarray(0, 4 * 160));
    expect(stream.listenerCount('media')).toBe(1); // only the test's own listener is left
  });

  it('rejects when the file cannot be created, and removes its listeners', async () => {
    const { platform, stream } = await call();
    // Handled here: with nobody listening, the server would print it as a process warning.
    const errors: string[] = [];
    stream.on('error', (err) => errors.push((err as { code?: string }).code ?? ''));
    await writeFile(join(dir, 'a-file'), '');
    const recording = recordCall(stream, join(dir, 'a-file', 'x.wav'));
    await expect(recording).rejects.toMatchObject({ code: 'EEXIST' });
    expect(stream.listenerCount('media')).toBe(0);
    expect(errors).toEqual(['ERR_RECORDING']);
    await platform.close();
  });

  it('creates the folders missing on its path', async () => {
    const { platform, stream } = await call();
    const path = join(dir, 'recordings', '2026', `${stream.callId}.wav`);
    const recording = recordCall(stream, path);
    const { bytes, pcm } = mulaw(320);
    platform.media(bytes.subarray(0, 160));
    platform.media(bytes.subarray(160));
    await platform.close();
    await recording;
    expect(channels(parseWav(await readFile(path)).samples).left).toEqual(pcm);
  });

  it('never makes an unhandled rejection of a file it cannot write: the stream reports it and the call goes on', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { platform, stream } = await call();
      const errors: Error[] = [];
      stream.on('error', (err) => errors.push(err));
      await writeFile(join(dir, 'a-file'), '');
      void recordCall(stream, join(dir, 'a-file', 'x.wav')); // as the README writes it
      for (let i = 0; i < 50 && errors.length === 0; i++) await sleep(10);
      await sleep(20); // unhandled rejections are reported after the microtask queue drains
      expect(unhandled).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        name: 'CallstreamError',
        code: 'ERR_RECORDING',
        cause: { code: 'EEXIST' },
      });
      expect(stream.isClosed).toBe(false);
      const frame = new Promise((resolve) => stream.once('media', resolve));
      platform.media(mulaw(160).bytes);
      expect(await frame).toMatchObject({ chunk: 1 });
      await platform.close();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('rejects an invalid lookBehindMs with a TypeError naming it', async () => {
    const { stream } = await call();
    expect(() => recordCall(stream, join(dir, 'x.wav'), { lookBehindMs: 5 })).toThrow(
      /lookBehindMs/,
    );
  });
});

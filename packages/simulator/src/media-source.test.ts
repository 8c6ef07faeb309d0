import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeWav, isCallstreamError } from '@callstream/core';
import { resample } from '@callstream/core/internal';
import { CallerFrames, loadCallerAudio } from './media-source.js';
import { ramp } from './test-helpers.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('loadCallerAudio', () => {
  it('mixes a 44.1 kHz stereo WAV to mono and brings it to the call rate', async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-source-'));
    const path = join(dir, 'stereo-44k.wav');
    const frames = 44100; // 1 s
    const interleaved = new Int16Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      interleaved[2 * i] = 3000;
      interleaved[2 * i + 1] = 1000;
    }
    await writeFile(path, encodeWav(interleaved, 44100, 2));
    const pcm = await loadCallerAudio(path, 8000);
    expect(pcm.length).toBe(8000);
    // the mono mix is 2000; away from the edges the level survives the rate change
    for (const s of pcm.subarray(100, 7900)) {
      expect(s).toBeGreaterThanOrEqual(1980);
      expect(s).toBeLessThanOrEqual(2020);
    }
  });

  it.each([8000, 16000])(
    'turns a 44.1 kHz WAV tone into round(length × %i / 44100) samples: 35 frames of the same tone, in time',
    async (rate) => {
      dir = await mkdtemp(join(tmpdir(), 'media-source-'));
      const path = join(dir, 'tone-44k.wav');
      const samples = 30_000; // 680 ms: 5442.2 samples at 8 kHz, 10884.4 at 16 kHz
      const tone = (n: number, r: number): number => 12000 * Math.sin((2 * Math.PI * 1000 * n) / r);
      const wav = Int16Array.from({ length: samples }, (_, n) => Math.round(tone(n, 44100)));
      await writeFile(path, encodeWav(wav, 44100, 1));

      const pcm = await loadCallerAudio(path, rate);
      expect(pcm.length).toBe(Math.round((samples * rate) / 44100));
      const frames = new CallerFrames(pcm, rate / 50);
      expect(frames.frameCount).toBe(35);
      // Frames 2-34 against a 1 kHz sine at the call rate, same phase: ≥ 60 dB SNR.
      let signal = 0;
      let noise = 0;
      for (let chunk = 2; chunk <= 34; chunk++) {
        const frame = frames.frame(chunk);
        for (let i = 0; i < frame.length; i++) {
          const ideal = tone((chunk - 1) * frames.samplesPerFrame + i, rate);
          signal += ideal ** 2;
          noise += (frame[i]! - ideal) ** 2;
        }
      }
      expect(10 * Math.log10(signal / noise)).toBeGreaterThan(60);
      // The last frame holds the last 2 (or 4) samples, then silence.
      const last = frames.frame(35);
      expect(last.subarray(pcm.length - 34 * frames.samplesPerFrame).every((s) => s === 0)).toBe(
        true,
      );
    },
  );

  it('rejects a WAV below 8 kHz with ERR_UNSUPPORTED_FORMAT naming its rate', async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-source-'));
    const path = join(dir, 'low.wav');
    await writeFile(path, encodeWav(new Int16Array(600), 6000, 1));
    const error = await loadCallerAudio(path, 8000).catch((err: unknown) => err);
    expect(isCallstreamError(error, 'ERR_UNSUPPORTED_FORMAT')).toBe(true);
    expect((error as Error).message).toContain('6000');
  });

  it('resamples samples at a supported rate exactly as core does, and keeps the call rate as is', async () => {
    const tone = Int16Array.from({ length: 2400 }, (_, i) => Math.round(5000 * Math.sin(i / 7)));
    expect(Array.from(await loadCallerAudio({ samples: tone, sampleRate: 24000 }, 16000))).toEqual(
      Array.from(resample(tone, 24000, 16000)),
    );
    const same = await loadCallerAudio({ samples: tone, sampleRate: 8000 }, 8000);
    expect(same).toBe(tone);
  });
});

describe('CallerFrames', () => {
  it('cuts 20 ms frames from chunk 1, pads the last one and is silent past the end', () => {
    const frames = new CallerFrames(ramp(400), 160);
    expect(frames.frameCount).toBe(3);
    expect(Array.from(frames.frame(1))).toEqual(Array.from(ramp(160)));
    expect(Array.from(frames.frame(2))).toEqual(Array.from(ramp(160, 161)));
    const last = frames.frame(3);
    expect(Array.from(last.subarray(0, 80))).toEqual(Array.from(ramp(80, 321)));
    expect(last.subarray(80).every((s) => s === 0)).toBe(true);
    expect(frames.frame(4).every((s) => s === 0)).toBe(true);
    expect(frames.frame(4)).toHaveLength(160);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeWav, resample } from '@callstream/core';
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

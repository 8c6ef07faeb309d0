import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readWavFile } from '@callstream/core';
import { simulateCall } from '@callstream/simulator';
import { start, type Recording } from './index.js';

const CALLER = fileURLToPath(new URL('../../../test/fixtures/caller-16k.wav', import.meta.url));

describe('the recorder example', () => {
  it('writes a stereo WAV per call: the caller left, the outbound track right, as long as the call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recorder-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    let recorded!: (r: Recording) => void;
    const recording = new Promise<Recording>((resolve) => (recorded = resolve));
    const server = await start({
      host: '127.0.0.1',
      port: 0,
      path: '/stream',
      dir,
      onRecording: (r) => recorded(r),
    });
    onTestFinished(() => server.close());
    const { port } = server.httpServer.address() as AddressInfo;

    const result = await simulateCall({
      url: `ws://127.0.0.1:${port}/stream`,
      audio: CALLER,
      format: { encoding: 'audio/x-l16', sampleRate: 16000 },
      tracks: ['inbound', 'outbound'],
      speed: 10,
    }).done;
    const r = await recording;
    expect(r).toMatchObject({
      callId: result.callId,
      streamId: result.streamId,
      tracks: ['inbound', 'outbound'],
    });
    expect(r.path).toBe(join(dir, `${result.callId}-${result.streamId}.wav`));

    const wav = await readWavFile(r.path);
    expect(wav).toMatchObject({ channels: 2, sampleRate: 16000, bitsPerSample: 16 });
    // 5.85 s of caller audio: 293 frames of 20 ms (the last one padded with silence).
    const frames = wav.samples.length / 2;
    expect(frames).toBe(293 * 320);
    const source = (await readWavFile(CALLER)).samples;
    const left = Int16Array.from({ length: frames }, (_, i) => wav.samples[2 * i] as number);
    const right = Int16Array.from({ length: frames }, (_, i) => wav.samples[2 * i + 1] as number);
    // L16 at the file's own rate: the caller is recorded sample-exactly.
    expect(left.subarray(0, source.length)).toEqual(source);
    expect(left.subarray(source.length).every((s) => s === 0)).toBe(true);
    // Nobody spoke to the caller: the outbound track is silence, and it was there for the whole call.
    expect(right.every((s) => s === 0)).toBe(true);
  });
});

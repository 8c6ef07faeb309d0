import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readWavFile, type StreamServer } from '@callstream/core';
import { simulateCall } from '@callstream/simulator';
import { start, type TranscriptionFeedOptions } from './index.js';

const CALLER = fileURLToPath(new URL('../../../test/fixtures/caller-16k.wav', import.meta.url));

async function serve(options: TranscriptionFeedOptions) {
  let ended!: (info: { callId: string; samples: number }) => void;
  const feedEnd = new Promise<{ callId: string; samples: number }>((resolve) => (ended = resolve));
  const server: StreamServer = await start({
    host: '127.0.0.1',
    port: 0,
    path: '/stream',
    onFeedEnd: ended,
    ...options,
  });
  onTestFinished(() => server.close());
  const { port } = server.httpServer.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/stream`, feedEnd };
}

/** Normalized cross-correlation of two signals at lag 0. */
function correlation(a: Int16Array, b: Int16Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('the transcription feed example', () => {
  it('writes the caller of a mu-law 8 kHz call as 16 kHz PCM, as long as the call and matching the source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'transcripts-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const { url, feedEnd } = await serve({ dir });
    const result = await simulateCall({ url, audio: CALLER, speed: 10 }).done;
    const info = await feedEnd;
    expect(info.callId).toBe(result.callId);

    const bytes = await readFile(join(dir, `${result.callId}.pcm`));
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    // 293 frames of 160 samples at 8 kHz, resampled to 16 kHz: 93 760 samples (within one frame).
    expect(Math.abs(pcm.length - 293 * 320)).toBeLessThanOrEqual(320);
    expect(info.samples).toBe(pcm.length);
    // The source is 16 kHz: after mu-law at 8 kHz and back, it is the same speech, in time.
    const source = (await readWavFile(CALLER)).samples;
    expect(correlation(pcm, source)).toBeGreaterThan(0.9);
    // A feed shifted by one 20 ms frame would not match.
    expect(correlation(pcm.subarray(320), source)).toBeLessThan(0.5);
  });

  it('hands a custom sink fixed-size chunks of chunkMs, then closes it', async () => {
    const chunks: number[] = [];
    let closed = 0;
    const { url, feedEnd } = await serve({
      chunkMs: 200,
      sink: () => ({
        write: (chunk) => void chunks.push(chunk.length),
        close: () => void closed++,
      }),
    });
    const samples = new Int16Array(8000).fill(1000); // 1 s at 8 kHz
    await simulateCall({
      url,
      audio: { samples, sampleRate: 8000 },
      format: { encoding: 'audio/x-l16', sampleRate: 8000 },
      speed: 10,
    }).done;
    await feedEnd;
    expect(chunks).toEqual([3200, 3200, 3200, 3200, 3200]);
    expect(closed).toBe(1);
  });

  it('rejects a chunkMs that is not a multiple of 20 ms', async () => {
    await expect(start({ chunkMs: 30, sink: () => ({ write() {}, close() {} }) })).rejects.toThrow(
      /chunkMs/,
    );
  });
});

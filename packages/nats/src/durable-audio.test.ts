import { describe, expect, it, onTestFinished } from 'vitest';
import { createStreamServer, decodeMulaw, encodeMulaw, type AudioFrame } from '@callstream/core';
import { simulateCall } from '@callstream/simulator';
import { useNatsServer } from '../../../test/helpers/nats.js';
import { bridgeCalls, readCallAudio, subscribeCalls } from './index.js';

const nats = useNatsServer({ jetstream: true });

async function collect(frames: AsyncIterable<AudioFrame>): Promise<AudioFrame[]> {
  const out: AudioFrame[] = [];
  for await (const frame of frames) out.push({ ...frame, samples: frame.samples.slice() });
  return out;
}

describe('durable audio on JetStream', () => {
  it('lets an analytics reader that starts late, or after the call, read it from the first frame', async () => {
    const prefix = `durable${process.pid}`;
    const edgeNc = await nats.connect();
    const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
    onTestFinished(() => server.close());
    const bridge = bridgeCalls(server, edgeNc, {
      prefix,
      durableAudio: { stream: `AUDIO_${process.pid}`, maxAgeMs: 60_000 },
    });
    await bridge.ready;
    const { port } = await server.listen();
    const calls = subscribeCalls(await nats.connect(), { prefix });
    onTestFinished(() => calls.close());
    void (async () => {
      for await (const call of calls)
        void (async () => {
          for await (const _ of call.frames()) void _;
        })();
    })();

    const samples = new Int16Array(8000);
    for (let i = 0; i < samples.length; i++) samples[i] = ((i * 37) % 2000) - 1000;
    const call = simulateCall({
      url: `ws://127.0.0.1:${port}/stream`,
      audio: { samples, sampleRate: 8000 },
      speed: 2,
    });
    await new Promise((r) => setTimeout(r, 250));
    const streamId = [...server.streams.keys()][0] as string;
    const readerNc = await nats.connect();
    const during = collect(
      readCallAudio(readerNc, streamId, { prefix, stream: `AUDIO_${process.pid}` }),
    );
    await call.done;
    const after = await collect(
      readCallAudio(readerNc, streamId, { prefix, stream: `AUDIO_${process.pid}` }),
    );
    const expected = decodeMulaw(encodeMulaw(samples));
    for (const frames of [await during, after]) {
      expect(frames.map((f) => f.chunk)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const joined = new Int16Array(8000);
      frames.forEach((f, i) => joined.set(f.samples, i * 160));
      expect(joined).toEqual(expected);
      expect(frames.every((f) => f.track === 'inbound' && f.sampleRate === 8000)).toBe(true);
    }
    expect(bridge.stats.durableFrames).toBe(50);
    expect(bridge.stats.durableDropped).toBe(0);
  });
});

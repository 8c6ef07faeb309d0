import { describe, expect, it, onTestFinished } from 'vitest';
import { decodeMulaw, encodeMulaw } from '@callstream/core';
import { bridgeCalls, subscribeCalls } from '@callstream/nats';
import { simulateCall } from '@callstream/simulator';
import { useNatsServer } from '../helpers/nats.js';
import { TARGETS } from '../helpers/adapter-targets.js';
import { callerAudio, hashPcm, testBot, type BotReport } from './bots.js';

const nats = useNatsServer();

describe.each(TARGETS)('bridgeCalls on the $name server (its registry)', (factory) => {
  it('bridges its calls to a worker: exact frames, playback played', async () => {
    // Every server is a registry that emits `stream`: the server, the adapter's handle, app.callstream.
    const target = await factory.create({});
    const prefix = `a${process.pid}${factory.name}`;
    const bridge = bridgeCalls(target.registry, await nats.connect(), { prefix });
    const calls = subscribeCalls(await nats.connect(), { prefix });
    onTestFinished(() => calls.close());
    const reports: Promise<BotReport>[] = [];
    void (async () => {
      for await (const call of calls) reports.push(testBot(call, { script: 'listen' }));
    })();
    const audio = callerAudio(600, 8000, 21);
    const result = await simulateCall({
      url: target.url(),
      audio: { samples: audio, sampleRate: 8000 },
      waitForPlayoutMs: 500,
    }).done;
    expect(reports).toHaveLength(1);
    const report = await reports[0];
    expect(report?.callId).toBe(result.callId);
    expect(report?.hash).toBe(hashPcm([decodeMulaw(encodeMulaw(audio))]));
    expect(report?.playbacks).toEqual([{ label: 'tone', status: 'played', playedMs: 200 }]);
    expect(result.violations).toEqual([]);
    expect(bridge.stats.calls).toBe(1);
  });
});

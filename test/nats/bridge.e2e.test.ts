import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createStreamServer, decodeMulaw, encodeMulaw } from '@callstream/core';
import { simulateCall, type SimulatedCallResult } from '@callstream/simulator';
import {
  BARGE_AFTER_MS,
  callerAudio,
  hashPcm,
  testBot,
  tone,
  TONE_1,
  TONE_2_CHUNK_MS,
  TONE_2_CHUNKS,
  type BotOptions,
  type BotReport,
} from './bots.js';
import { startNatsServer, type NatsServer } from './nats-server.js';
import { bundle, TestProcess } from './processes.js';

let nats: NatsServer;
let edgeScript: string;
let workerScript: string;

beforeAll(async () => {
  [nats, edgeScript, workerScript] = await Promise.all([
    startNatsServer(),
    bundle('test/nats/edge-process.ts'),
    bundle('test/nats/worker-process.ts'),
  ]);
});
afterAll(async () => {
  await nats?.stop();
});

let prefixCounter = 0;

async function startEdge(
  env: Record<string, string> = {},
): Promise<{ edge: TestProcess; url: string; prefix: string }> {
  const prefix = env.PREFIX ?? `t${process.pid}x${++prefixCounter}`;
  const edge = new TestProcess(edgeScript, { NATS_URL: nats.url, PREFIX: prefix, ...env });
  onTestFinished(() => edge.stop());
  const { port } = await edge.next<{ type: 'ready'; port: number }>('ready');
  return { edge, url: `ws://127.0.0.1:${port}/stream`, prefix };
}

async function startWorker(
  prefix: string,
  bot: BotOptions,
  env: Record<string, string> = {},
): Promise<TestProcess> {
  const worker = new TestProcess(workerScript, {
    NATS_URL: nats.url,
    PREFIX: prefix,
    BOT: JSON.stringify(bot),
    ...env,
  });
  onTestFinished(() => worker.stop());
  await worker.next('ready');
  return worker;
}

type Report = { type: 'report'; worker: string; report: BotReport; stats: Record<string, unknown> };

/** Non-silent runs of what the caller heard (split at 20 ms or more of zeros). */
function segments(heard: Int16Array, rate: number): Int16Array[] {
  const out: Int16Array[] = [];
  const gap = rate / 50;
  let start = -1;
  let zeros = 0;
  for (let i = 0; i <= heard.length; i++) {
    const v = i < heard.length ? (heard[i] as number) : 0;
    if (v !== 0) {
      if (start < 0) start = i;
      zeros = 0;
    } else if (start >= 0 && (++zeros >= gap || i === heard.length)) {
      out.push(heard.subarray(start, i - zeros + 1));
      start = -1;
      zeros = 0;
    }
  }
  return out;
}

const roundTrip = (pcm: Int16Array): Int16Array => decodeMulaw(encodeMulaw(pcm));

const FULL_CALL = {
  format: { encoding: 'audio/x-mulaw' as const, sampleRate: 8000 },
  dtmf: [{ atMs: 500, digit: '5' }],
  hangupAfterMs: 2_000,
  extraHeaders: 'tenant=acme;plan=gold',
};

describe('@callstream/nats end to end (edge and workers in their own processes)', () => {
  it('runs the same bot on a remote call as on a local one: sample-exact frames, playback, DTMF both ways, barge-in', async () => {
    const audio = callerAudio(2_000, 8000, 1);
    const place = (url: string): Promise<SimulatedCallResult> =>
      simulateCall({ url, audio: { samples: audio, sampleRate: 8000 }, ...FULL_CALL }).done;

    // Locally: the bot on the CallStream, in this process.
    const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
    onTestFinished(() => server.close());
    const localReport = new Promise<BotReport>((resolve, reject) =>
      server.on('stream', (stream) => void testBot(stream, { script: 'full' }).then(resolve, reject)),
    );
    const { port } = await server.listen();
    // Remotely: the same bot in a worker process, the socket in an edge process.
    const { url, prefix } = await startEdge();
    const worker = await startWorker(prefix, { script: 'full' });
    const [localHeard, remoteHeard] = await Promise.all([
      place(`ws://127.0.0.1:${port}/stream`),
      place(url),
    ]);
    const local = await localReport;
    const remote = (await worker.next<Report>('report')).report;

    // Frames: every sample the caller sent, decoded, in order, on both.
    const expected = hashPcm([roundTrip(audio)]);
    expect(local.hash).toBe(expected);
    expect(remote.hash).toBe(expected);
    expect(remote.frames).toBe(100);
    expect(remote.chunks).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(remote.sampleRate).toBe(8000);
    expect(remote.extraHeaders).toEqual({ tenant: 'acme', plan: 'gold' });
    expect(remote.format).toEqual(local.format);
    expect(remote.callId).toBe(remoteHeard.callId);
    // DTMF both ways.
    expect(remote.dtmf).toEqual(['5']);
    expect(local.dtmf).toEqual(['5']);
    expect(remoteHeard.dtmfReceived).toEqual(['42']);
    expect(localHeard.dtmfReceived).toEqual(['42']);
    // Playback results: the same statuses; played ones the same length; barge-in cut the third.
    const statuses = (r: BotReport): string[] => r.playbacks.map((p) => `${p.label}:${p.status}`);
    expect(statuses(remote)).toEqual(['tone 1:played', 'tone 2:played', 'tone 3:interrupted']);
    expect(statuses(local)).toEqual(statuses(remote));
    expect(remote.playbacks.slice(0, 2)).toEqual(local.playbacks.slice(0, 2));
    expect(remote.playbacks[0]?.playedMs).toBe(TONE_1.ms);
    expect(remote.playbacks[1]?.playedMs).toBe(TONE_2_CHUNKS * TONE_2_CHUNK_MS);
    for (const r of [local, remote]) {
      expect(r.playbacks[2]?.playedMs).toBeGreaterThanOrEqual(BARGE_AFTER_MS - 40);
      expect(r.playbacks[2]?.playedMs).toBeLessThan(BARGE_AFTER_MS + 250);
    }
    expect(remote.checkpoint).toBe(true);
    expect(local.checkpoint).toBe(true);
    expect(remoteHeard.cleared).toBe(1);
    expect(remoteHeard.violations).toEqual([]);
    // What the caller heard: the same samples, sample-exact, on both.
    const rate = 8000;
    const [r1, r2, r3] = segments(remoteHeard.heard, rate);
    const [l1, l2, l3] = segments(localHeard.heard, rate);
    expect(r1).toEqual(roundTrip(tone(TONE_1.ms, rate, TONE_1.hz)));
    expect(l1).toEqual(r1);
    expect(r2).toEqual(roundTrip(tone(TONE_2_CHUNKS * TONE_2_CHUNK_MS, rate, 550)));
    expect(l2).toEqual(r2);
    // The barged-in tone: its first part, then nothing more.
    expect(r3?.length).toBeGreaterThan(0);
    expect(r3).toEqual(roundTrip(tone(3000, rate, 660)).subarray(0, r3?.length));
    expect(l3).toEqual(roundTrip(tone(3000, rate, 660)).subarray(0, l3?.length));
    // Commands after the end settle at once, as locally.
    for (const r of [local, remote]) {
      expect(r.afterClose?.play).toEqual({ status: 'closed', playedMs: 0 });
      expect(r.afterClose?.checkpoint).toBe(false);
      expect(r.afterClose?.tookMs).toBeLessThan(50);
    }
    expect(remote.close).toEqual(local.close);
  });
});

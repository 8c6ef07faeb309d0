import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
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
import { useNatsServer } from '../helpers/nats.js';
import { bundle, TestProcess } from './processes.js';

const nats = useNatsServer();
let edgeScript: string;
let workerScript: string;

beforeAll(async () => {
  [edgeScript, workerScript] = await Promise.all([
    bundle('test/nats/edge-process.ts'),
    bundle('test/nats/worker-process.ts'),
  ]);
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

/** Messages of one type from several processes, until there are `n` (polls their queues, so none is lost). */
async function collect<T extends { type: string }>(
  processes: readonly TestProcess[],
  type: string,
  n: number,
  timeoutMs = 15_000,
): Promise<{ from: number; message: T }[]> {
  const out: { from: number; message: T }[] = [];
  const deadline = performance.now() + timeoutMs;
  while (out.length < n) {
    processes.forEach((p, from) => {
      for (const message of p.drain<T & { type: string }>(type)) out.push({ from, message });
    });
    if (out.length >= n) break;
    if (performance.now() > deadline)
      throw new Error(`only ${out.length} of ${n} "${type}" messages`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return out;
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
      server.on(
        'stream',
        (stream) => void testBot(stream, { script: 'full' }).then(resolve, reject),
      ),
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
      // About BARGE_AFTER_MS; loose bounds, since timers run late on a busy machine.
      expect(r.playbacks[2]?.playedMs).toBeGreaterThanOrEqual(BARGE_AFTER_MS - 100);
      expect(r.playbacks[2]?.playedMs).toBeLessThan(BARGE_AFTER_MS + 600);
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
      expect(r.afterClose?.tookMs).toBeLessThan(1_000); // not a timeout: no waiting at all
    }
    expect(remote.close).toEqual(local.close);
  });

  it('gives each of 20 concurrent calls to exactly one of 2 workers, none lost, every frame exact', async () => {
    const { url, prefix, edge } = await startEdge();
    const workers = await Promise.all([
      startWorker(prefix, { script: 'listen' }, { WORKER_ID: 'w1' }),
      startWorker(prefix, { script: 'listen' }, { WORKER_ID: 'w2' }),
    ]);
    const audios = Array.from({ length: 20 }, (_, i) => callerAudio(1_000, 8000, 100 + i));
    const results = await Promise.all(
      audios.map(
        (samples) =>
          simulateCall({
            url,
            audio: { samples, sampleRate: 8000 },
            format: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
            hangupAfterMs: 1_000,
            waitForPlayoutMs: 500,
          }).done,
      ),
    );
    const reports = (await collect<Report>(workers, 'report', 20)).map((r) => r.message);
    // Give a duplicate (a call handled twice) the time to show up.
    await new Promise((r) => setTimeout(r, 200));
    const extra = workers.flatMap((w) => w.drain<Report>('report'));
    expect(extra).toEqual([]);
    const byCall = new Map(reports.map((r) => [r.report.callId, r]));
    expect(byCall.size).toBe(20);
    results.forEach((result, i) => {
      const r = byCall.get(result.callId);
      expect(r, `call ${i}`).toBeDefined();
      expect(r?.report.hash).toBe(hashPcm([roundTrip(audios[i] as Int16Array)]));
      expect(r?.report.playbacks).toEqual([{ label: 'tone', status: 'played', playedMs: 200 }]);
      expect(segments(result.heard, 8000)[0]).toEqual(roundTrip(tone(200, 8000, 500)));
      expect(result.violations).toEqual([]);
    });
    const perWorker = ['w1', 'w2'].map((w) => reports.filter((r) => r.worker === w).length);
    expect(perWorker[0]! + perWorker[1]!).toBe(20);
    expect(Math.min(...perWorker)).toBeGreaterThan(0);
    edge.send({ type: 'stats' });
    const { stats } = await edge.next<{ type: 'stats'; stats: Record<string, number> }>('stats');
    expect(stats.calls).toBe(20);
    expect(stats.framesRelayed).toBe(20 * 50);
    expect(stats.fallbacks).toBe(0);
    expect(stats.reoffers).toBe(0);
  });

  it('re-offers the call of a worker killed mid-call to another worker, and the call goes on', async () => {
    const { url, prefix, edge } = await startEdge({
      HEARTBEAT_MS: '100',
      WORKER_TIMEOUT_MS: '500',
    });
    const bot: BotOptions = { script: 'tone-after', afterChunk: 100 };
    const workers = await Promise.all([
      startWorker(prefix, bot, { WORKER_ID: 'w1' }),
      startWorker(prefix, bot, { WORKER_ID: 'w2' }),
    ]);
    const audio = callerAudio(3_000, 8000, 7);
    const call = simulateCall({
      url,
      audio: { samples: audio, sampleRate: 8000 },
      hangupAfterMs: 3_000,
      waitForPlayoutMs: 500,
    });
    const [first] = await collect<{ type: 'call'; worker: string }>(workers, 'call', 1);
    const [dead, alive] = first?.from === 0 ? workers : [workers[1], workers[0]];
    await new Promise((r) => setTimeout(r, 500));
    await dead!.kill();
    const taken = await alive!.next<{ type: 'call'; worker: string; session: string }>('call');
    const result = await call.done;
    const { report } = await alive!.next<Report>('report');
    expect(taken.worker).toBe(alive === workers[0] ? 'w1' : 'w2');
    expect(report.callId).toBe(result.callId);
    // The new worker got the rest of the call, in order, with the frames of the outage kept.
    expect(report.chunks.at(-1)).toBe(150);
    const firstChunk = report.chunks[0] as number;
    expect(firstChunk).toBeGreaterThan(25);
    expect(report.chunks).toEqual(
      Array.from({ length: 151 - firstChunk }, (_, i) => firstChunk + i),
    );
    // And its playback after the failover reached the caller.
    expect(report.playbacks).toEqual([{ label: 'tone after', status: 'played', playedMs: 300 }]);
    expect(segments(result.heard, 8000).at(-1)).toEqual(roundTrip(tone(300, 8000, 700)));
    expect(result.close.by).toBe('simulator');
    edge.send({ type: 'stats' });
    const { stats } = await edge.next<{ type: 'stats'; stats: Record<string, number> }>('stats');
    expect(stats.workersLost).toBe(1);
    expect(stats.reoffers).toBe(1);
    expect(stats.fallbacks).toBe(0);
  });

  it('rides out a NATS server restart mid-call: frames buffered (bounded, counted) and delivered, playback after it plays', async () => {
    const { url, prefix, edge } = await startEdge({
      HEARTBEAT_MS: '100',
      WORKER_TIMEOUT_MS: '800',
      BUFFER_MS: '300',
    });
    const worker = await startWorker(
      prefix,
      { script: 'tone-after', afterChunk: 120 },
      {
        EDGE_TIMEOUT_MS: '800',
      },
    );
    const audio = callerAudio(3_000, 8000, 9);
    const call = simulateCall({
      url,
      audio: { samples: audio, sampleRate: 8000 },
      hangupAfterMs: 3_000,
      waitForPlayoutMs: 500,
    });
    await worker.next('call');
    await new Promise((r) => setTimeout(r, 800));
    await nats.restart(700);
    const result = await call.done;
    const { report } = await worker.next<Report>('report');
    edge.send({ type: 'stats' });
    const { stats } = await edge.next<{ type: 'stats'; stats: Record<string, number> }>('stats');
    // No failover: the same worker kept the call.
    expect(stats.workersLost).toBe(0);
    expect(stats.reoffers).toBe(0);
    // Frames sent while NATS was down waited in the edge's bounded outbox; the oldest were dropped.
    expect(stats.bufferedMessages).toBeGreaterThan(0);
    expect(stats.droppedFrames).toBeGreaterThan(0);
    // In order, to the end of the call, with a hole no longer than the outage.
    const chunks = report.chunks;
    expect(chunks[0]).toBe(1);
    expect(chunks.at(-1)).toBe(150);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]).toBeGreaterThan(chunks[i - 1]!);
    const lost = 150 - chunks.length;
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(stats.droppedFrames! + 50);
    expect(report.playbacks).toEqual([{ label: 'tone after', status: 'played', playedMs: 300 }]);
    expect(segments(result.heard, 8000).at(-1)).toEqual(roundTrip(tone(300, 8000, 700)));
  });

  it('closes a call no worker takes with 1013 after the offer bound, with a log line naming the call', async () => {
    const { url, edge } = await startEdge({ OFFER_TIMEOUT_MS: '300' });
    const t0 = performance.now();
    const result = await simulateCall({
      url,
      audio: { samples: callerAudio(2_000, 8000, 3), sampleRate: 8000 },
    }).done;
    expect(result.close).toMatchObject({ code: 1013, reason: 'no worker available', by: 'server' });
    expect(performance.now() - t0).toBeLessThan(1_500);
    const logs = edge.drain<{
      type: 'log';
      level: string;
      bindings: Record<string, unknown>;
      msg: string;
    }>('log');
    const line = logs.find((l) => l.level === 'warn' && /no worker/.test(l.msg));
    expect(line?.bindings).toMatchObject({ callId: result.callId, streamId: result.streamId });
    edge.send({ type: 'stats' });
    const { stats } = await edge.next<{ type: 'stats'; stats: Record<string, number> }>('stats');
    expect(stats.fallbacks).toBe(1);
  });

  it('resamples at the edge down to the rate a worker asks for, and up at the worker for frames({ sampleRate })', async () => {
    const audio = callerAudio(1_000, 16000, 11);
    const format = { encoding: 'audio/x-l16' as const, sampleRate: 16000 };
    const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
    onTestFinished(() => server.close());
    const local: Promise<BotReport>[] = [];
    server.on('stream', (stream) => {
      local.push(testBot(stream, { script: 'none', sampleRate: 8000 }));
      local.push(testBot(stream, { script: 'none', sampleRate: 24000 }));
    });
    const { port } = await server.listen();
    const { url, prefix, edge } = await startEdge();
    const down = await startWorker(
      prefix,
      { script: 'none', sampleRate: 8000 },
      { WIRE_RATE: '8000' },
    );
    const place = (u: string): Promise<SimulatedCallResult> =>
      simulateCall({ url: u, audio: { samples: audio, sampleRate: 16000 }, format }).done;
    await Promise.all([place(`ws://127.0.0.1:${port}/stream`), place(url)]);
    const [local8, local24] = await Promise.all(local);
    const remote8 = await down.next<Report>('report');
    expect((await down.next<{ type: 'call'; wireRate: number }>('call')).wireRate).toBe(8000);
    expect(remote8.report.sampleRate).toBe(8000);
    expect(remote8.report.hash).toBe(local8?.hash);
    expect(remote8.report.samples).toBe(local8?.samples);
    edge.send({ type: 'stats' });
    const first = await edge.next<{ type: 'stats'; stats: Record<string, number> }>('stats');
    await down.stop();
    // A worker asking for more than the call's rate gets the call's rate on the wire and resamples itself.
    const up = await startWorker(
      prefix,
      { script: 'none', sampleRate: 24000 },
      { WIRE_RATE: '24000' },
    );
    await place(url);
    const remote24 = await up.next<Report>('report');
    expect((await up.next<{ type: 'call'; wireRate: number }>('call')).wireRate).toBe(16000);
    expect(remote24.report.sampleRate).toBe(24000);
    expect(remote24.report.hash).toBe(local24?.hash);
    edge.send({ type: 'stats' });
    const second = await edge.next<{ type: 'stats'; stats: Record<string, number> }>('stats');
    // Half the audio bytes crossed the wire at 8 kHz than at the call's 16 kHz.
    const bytes8 = first.stats.bytesRelayed!;
    const bytes16 = second.stats.bytesRelayed! - bytes8;
    expect(bytes16 / bytes8).toBeGreaterThan(1.98);
    expect(bytes16 / bytes8).toBeLessThan(2.02);
  });
});

import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { simulateCall } from '@callstream/simulator';
import type { BotReport } from '@callstream/example-voice-bot/bot';
import { callerTimeline, loadAsset, SHORT_SCRIPT } from '@callstream/example-voice-bot/script';
import { useNatsServer } from '../../../test/helpers/nats.js';
import { bundle, TestProcess } from '../../../test/nats/processes.js';

const nats = useNatsServer();
let edgeScript: string;
let workerScript: string;

beforeAll(async () => {
  [edgeScript, workerScript] = await Promise.all([
    bundle('examples/worker-pool/src/edge.ts'),
    bundle('examples/worker-pool/src/worker.ts'),
  ]);
});

type ReportLine = { type: 'report'; callId: string; worker: string; report: BotReport };

describe('the worker pool example', () => {
  it('runs the voice bot of examples/voice-bot in two workers behind one edge, one call each', async () => {
    const prefix = `pool${process.pid}`;
    const env = { NATS_URL: nats.url, PREFIX: prefix, PORT: '0' };
    const edge = new TestProcess(edgeScript, env);
    onTestFinished(() => edge.stop());
    // One call at a time per worker: the second call goes to the other worker.
    const workers = ['w1', 'w2'].map(
      (id) => new TestProcess(workerScript, { ...env, WORKER_ID: id, MAX_CALLS: '1' }),
    );
    for (const w of workers) onTestFinished(() => w.stop());
    const [{ port }] = await Promise.all([
      edge.next<{ type: 'ready'; port: number }>('ready'),
      ...workers.map((w) => w.next('ready')),
    ]);
    const caller = callerTimeline(await loadAsset('caller.wav'), SHORT_SCRIPT);
    const place = () =>
      simulateCall({
        url: `ws://127.0.0.1:${port}/stream`,
        audio: caller,
        format: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
        speed: 1,
        dtmf: SHORT_SCRIPT.dtmf,
        hangupAfterMs: SHORT_SCRIPT.hangupAfterMs,
        waitForPlayoutMs: 1000,
      }).done;
    const results = await Promise.all([place(), place()]);
    const lines = await Promise.all(workers.map((w) => w.next<ReportLine>('report')));

    expect(lines.map((l) => l.worker)).toEqual(['w1', 'w2']);
    expect(new Set(lines.map((l) => l.callId))).toEqual(new Set(results.map((r) => r.callId)));
    for (const { report, callId } of lines) {
      const result = results.find((r) => r.callId === callId);
      expect(result?.violations).toEqual([]);
      // The voice bot's story, as in examples/voice-bot's own test on a local CallStream.
      expect(report.playbacks.find((p) => p.kind === 'greeting')?.status).toBe('played');
      expect(report.turns).toBe(2);
      const replies = report.playbacks.filter((p) => p.kind === 'reply');
      expect(replies.map((p) => p.status)).toEqual(['interrupted', 'played']);
      expect(report.bargeIns).toBe(1);
      expect(result?.cleared).toBe(1);
      expect(report.dtmf).toEqual(['1']);
      expect(report.playbacks.find((p) => p.kind === 'confirmation')?.status).toBe('played');
      expect(result?.checkpoints.map((c) => c.name)).toContain(
        report.playbacks.find((p) => p.kind === 'greeting')?.name,
      );
    }
  });
});

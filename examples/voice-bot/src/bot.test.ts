import { describe, expect, it, onTestFinished } from 'vitest';
import { createStreamServer, type CallStream } from '@callstream/core';
import { simulateCall } from '@callstream/simulator';
import { runVoiceBot, type BotEvent, type BotReport } from './bot.js';
import { callerTimeline, head, loadAsset, SHORT_SCRIPT } from './script.js';
import { levelDbfs } from './vad.js';

const script = SHORT_SCRIPT;

describe('the voice bot', () => {
  it('greets, answers a turn, stops on barge-in and confirms DTMF 1, with a clean protocol', async () => {
    const [greeting, caller] = await Promise.all([
      loadAsset('greeting.wav'),
      loadAsset('caller.wav'),
    ]);
    const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
    onTestFinished(() => server.close());
    const events: BotEvent[] = [];
    const bot = new Promise<{ report: BotReport; stream: CallStream }>((resolve, reject) => {
      server.on('stream', (stream) => {
        runVoiceBot(stream, {
          greeting: head(greeting, script.greetingMs),
          echoMs: script.echoMs,
          onEvent: (e) => events.push(e),
        }).then((report) => resolve({ report, stream }), reject);
      });
    });
    const { port } = await server.listen();
    // Real time: the bot's playback is paced by the wall clock, as a platform plays it.
    const result = await simulateCall({
      url: `ws://127.0.0.1:${port}/stream`,
      audio: callerTimeline(caller, script),
      format: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      speed: 1,
      dtmf: script.dtmf,
      hangupAfterMs: script.hangupAfterMs,
      waitForPlayoutMs: 1000,
    }).done;
    const { report, stream } = await bot;

    expect(result.violations).toEqual([]);
    // Greeting: confirmed by the platform's playedStream.
    const greetingPlayback = report.playbacks.find((p) => p.kind === 'greeting');
    expect(greetingPlayback?.status).toBe('played');
    expect(result.checkpoints.map((c) => c.name)).toContain(greetingPlayback?.name);
    // Two turns: the first reply is cut short by the caller, the second one plays in full.
    expect(report.turns).toBe(2);
    const replies = report.playbacks.filter((p) => p.kind === 'reply');
    expect(replies.map((p) => p.status)).toEqual(['interrupted', 'played']);
    expect(replies[0]?.playedMs).toBeGreaterThan(0);
    expect(replies[0]?.playedMs).toBeLessThan(replies[0]?.audioMs as number);
    // Barge-in: a clearAudio reached the platform.
    expect(report.bargeIns).toBe(1);
    expect(result.cleared).toBe(1);
    expect(stream.stats.clears).toBe(1);
    expect(
      events
        .filter((e) => e.type === 'speech-start')
        .map((e) => e.type === 'speech-start' && e.bargeIn),
    ).toEqual([false, true]);
    // DTMF 1: the confirmation tone played.
    expect(report.dtmf).toEqual(['1']);
    expect(report.playbacks.find((p) => p.kind === 'confirmation')?.status).toBe('played');
    // The caller heard the greeting at the start of the call, and the reply's beep after turn 1.
    const rate = result.sampleRate;
    const at = (ms: number, len = 100): Int16Array =>
      result.heard.subarray(Math.round((ms * rate) / 1000), Math.round(((ms + len) * rate) / 1000));
    expect(levelDbfs(at(100))).toBeGreaterThan(-40);
    expect(levelDbfs(at(850))).toBe(-Infinity); // between the greeting and the caller's answer
    const turnEnd = events.find((e) => e.type === 'turn-end')?.atMs as number;
    expect(levelDbfs(at(turnEnd + 60, 60))).toBeGreaterThan(-30);
  });
});

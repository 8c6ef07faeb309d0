/**
 * Bots of the NATS tests, typed against `Call` only: the same functions run on a local
 * `CallStream` (in the test process) and on a `RemoteCall` (in a worker process).
 */
import { createHash } from 'node:crypto';
import type { Call, PlaybackResult } from '@callstream/core';

/** A tone that never crosses zero (so its onset and end are visible in what the caller heard). */
export function tone(ms: number, rate: number, hz: number): Int16Array {
  const out = new Int16Array(Math.round((ms * rate) / 1000));
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.round(3000 + 2000 * Math.sin((2 * Math.PI * hz * i) / rate));
  }
  return out;
}

/** Deterministic caller audio (a pseudo-random walk): a different call for every seed. */
export function callerAudio(ms: number, rate: number, seed: number): Int16Array {
  const out = new Int16Array(Math.round((ms * rate) / 1000));
  let x = seed * 7919 + 1;
  let v = 0;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    v = Math.max(-12000, Math.min(12000, v + ((x % 2001) - 1000)));
    out[i] = v;
  }
  return out;
}

export function hashPcm(chunks: readonly Int16Array[]): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  return h.digest('hex');
}

export const TONE_1 = { ms: 400, hz: 440 };
export const TONE_2_CHUNKS = 5;
export const TONE_2_CHUNK_MS = 60;
export const TONE_3 = { ms: 3000, hz: 660 };
/** How long the third playback runs before the bot barges in on it. */
export const BARGE_AFTER_MS = 300;

export interface BotReport {
  callId: string;
  streamId: string;
  format: { encoding: string; sampleRate: number };
  extraHeaders: Record<string, string>;
  frames: number;
  samples: number;
  sampleRate: number;
  hash: string;
  /** The chunk numbers seen, in order. */
  chunks: number[];
  dtmf: string[];
  playbacks: { label: string; status: PlaybackResult['status']; playedMs: number }[];
  checkpoint: boolean | undefined;
  /** What the commands of a call that has ended did, and how long they took (ms). */
  afterClose?: { play: PlaybackResult; checkpoint: boolean; clearMs: number; tookMs: number };
  close: { code: number; reason: string };
}

export interface BotOptions {
  /** What the bot does besides listening. */
  script: 'full' | 'listen' | 'tone-after' | 'none';
  /** `frames({ sampleRate })`. */
  sampleRate?: number;
  /** For `tone-after`: the chunk number after which the bot plays a tone. */
  afterChunk?: number;
}

/**
 * - `full`: a tone (whole buffer), a checkpoint, a streamed tone (async iterable), then a long tone
 *   the bot barges in on after {@link BARGE_AFTER_MS}; answers DTMF 5 with DTMF "42".
 * - `listen`: a short tone, then only listens.
 * - `tone-after`: plays a tone once the frame numbered `afterChunk` has arrived.
 * - `none`: only listens.
 *
 * Every script collects every inbound frame (hash, count, chunk numbers) until the call ends.
 */
export async function testBot(call: Call, options: BotOptions): Promise<BotReport> {
  const frames = call.frames({
    track: 'inbound',
    ...(options.sampleRate !== undefined && { sampleRate: options.sampleRate }),
  });
  await call.started;
  const rate = call.format.sampleRate;
  const report: BotReport = {
    callId: call.callId,
    streamId: call.streamId,
    format: { ...call.format },
    extraHeaders: { ...call.extraHeaders },
    frames: 0,
    samples: 0,
    sampleRate: 0,
    hash: '',
    chunks: [],
    dtmf: [],
    playbacks: [],
    checkpoint: undefined,
    close: { code: 0, reason: '' },
  };
  const record = (label: string, result: PlaybackResult): void => {
    report.playbacks.push({ label, status: result.status, playedMs: result.playedMs });
  };
  call.on('dtmf', ({ digit }) => {
    report.dtmf.push(digit);
    if (digit === '5') call.sendDtmf('42');
  });

  const script = (async () => {
    if (options.script === 'listen') {
      record('tone', await call.playAudio(tone(200, rate, 500), { sampleRate: rate }));
      return;
    }
    if (options.script !== 'full') return;
    record('tone 1', await call.playAudio(tone(TONE_1.ms, rate, TONE_1.hz), { sampleRate: rate }));
    report.checkpoint = await call.checkpoint('after-tone-1');
    const whole = tone(TONE_2_CHUNKS * TONE_2_CHUNK_MS, rate, 550);
    const step = (TONE_2_CHUNK_MS * rate) / 1000;
    async function* streamed(): AsyncGenerator<Int16Array> {
      for (let i = 0; i < TONE_2_CHUNKS; i++) {
        await new Promise((r) => setTimeout(r, 10));
        yield whole.subarray(i * step, (i + 1) * step);
      }
    }
    record('tone 2', await call.playAudio(streamed(), { sampleRate: rate }));
    const long = call.playAudio(tone(TONE_3.ms, rate, TONE_3.hz), { sampleRate: rate });
    await new Promise((r) => setTimeout(r, BARGE_AFTER_MS));
    await call.clearAudio();
    record('tone 3', await long);
  })();

  const samples: Int16Array[] = [];
  let afterTone: Promise<void> | undefined;
  for await (const frame of frames) {
    report.frames++;
    report.samples += frame.samples.length;
    report.sampleRate = frame.sampleRate;
    report.chunks.push(frame.chunk);
    samples.push(frame.samples.slice());
    if (
      options.script === 'tone-after' &&
      afterTone === undefined &&
      frame.chunk >= (options.afterChunk ?? 0)
    ) {
      afterTone = Promise.resolve(call.playAudio(tone(300, rate, 700), { sampleRate: rate })).then(
        (r) => record('tone after', r),
      );
    }
  }
  report.hash = hashPcm(samples);
  await script;
  await afterTone;
  report.close = await call.closed;
  // Commands for a call that has ended settle at once.
  const t0 = performance.now();
  const play = await call.playAudio(tone(100, rate, 300), { sampleRate: rate });
  const checkpoint = await call.checkpoint();
  const c0 = performance.now();
  await call.clearAudio();
  report.afterClose = {
    play,
    checkpoint,
    clearMs: performance.now() - c0,
    tookMs: performance.now() - t0,
  };
  return report;
}

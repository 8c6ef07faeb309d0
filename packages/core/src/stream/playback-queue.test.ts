import { describe, expect, it } from 'vitest';
import { createStats } from './stats.js';
import { PlaybackQueue, type PlaybackSink } from './playback-queue.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A queue on an in-memory sink, whose pump() records how deeply it is ever nested. */
function queue() {
  const sent: Record<string, unknown>[] = [];
  const sink: PlaybackSink = {
    open: true,
    send: (message) => sent.push(JSON.parse(String(message)) as Record<string, unknown>),
    cork: () => {},
    uncork: () => {},
  };
  const errors: unknown[] = [];
  const q = new PlaybackQueue(sink, {
    chunkMs: 20,
    leadMs: 200,
    clearTimeoutMs: 100,
    stats: createStats(),
    onError: (err) => errors.push(err),
    taps: new Set(),
  });
  let depth = 0;
  const nesting = { max: 0 };
  const pump = q.pump.bind(q);
  q.pump = () => {
    depth++;
    nesting.max = Math.max(nesting.max, depth);
    try {
      pump();
    } finally {
      depth--;
    }
  };
  q.configure('s', 8000, { encoding: 'audio/x-mulaw', sampleRate: 8000 });
  return { q, sent, errors, nesting };
}

/** A streaming TTS that produces 20 ms chunks as fast as it is read; `chunks` of them, or forever. */
function tts(chunks = Infinity) {
  const state = { pulled: 0, returned: false };
  async function* source(): AsyncGenerator<Int16Array> {
    try {
      for (; state.pulled < chunks;) {
        state.pulled++;
        yield new Int16Array(160).fill(state.pulled);
      }
    } finally {
      state.returned = true;
    }
  }
  return { source: source(), state };
}

const plays = (sent: Record<string, unknown>[]): number =>
  sent.filter((m) => m.event === 'playAudio').length;

describe('PlaybackQueue with a streaming source', () => {
  it('never re-enters pump() while reading ahead: happy path, barge-in, cancel, abort and hangup', async () => {
    // Read-ahead stops at lead + 1 s = 1.2 s = 60 chunks: a faster source fills the buffer, which
    // is where fill() used to call back into pump() synchronously, without end.
    const happy = queue();
    const short = tts(64);
    const played = happy.q.play(short.source, { name: 'happy' });

    const bargeIn = queue();
    const endless = tts();
    const cleared = bargeIn.q.play(endless.source);

    const cancel = queue();
    const cancelled = tts();
    const cancelledPlayback = cancel.q.play(cancelled.source);

    const abort = queue();
    const aborted = tts();
    const controller = new AbortController();
    const abortedPlayback = abort.q.play(aborted.source, { signal: controller.signal });

    const hangup = queue();
    const hungUp = tts();
    const hungUpPlayback = hangup.q.play(hungUp.source);

    await sleep(150);
    for (const [{ state }, { sent }] of [
      [endless, bargeIn],
      [cancelled, cancel],
      [aborted, abort],
      [hungUp, hangup],
    ] as const) {
      // Back-pressure: the endless sources were read up to the read-ahead bound past what was
      // sent, not beyond.
      expect(state.pulled - plays(sent)).toBeGreaterThanOrEqual(60);
      expect(state.pulled - plays(sent)).toBeLessThanOrEqual(61);
    }
    void bargeIn.q.clear();
    void cancelledPlayback.cancel();
    controller.abort();
    hangup.q.close();
    expect(await cleared).toMatchObject({ status: 'interrupted' });
    expect(await cancelledPlayback).toMatchObject({ status: 'interrupted' });
    expect(await abortedPlayback).toMatchObject({ status: 'interrupted' });
    expect(await hungUpPlayback).toMatchObject({ status: 'closed' });
    for (const { state } of [endless, cancelled, aborted, hungUp]) {
      expect(state.returned).toBe(true); // the source was closed
    }

    // The short source plays to its end: 64 chunks, then its checkpoint.
    for (let i = 0; i < 100 && !happy.sent.some((m) => m.event === 'checkpoint'); i++) {
      await sleep(20);
    }
    expect(plays(happy.sent)).toBe(64);
    expect(happy.sent.at(-1)).toEqual({ event: 'checkpoint', streamId: 's', name: 'happy' });
    expect(happy.q.acknowledge('happy')).toBe(true);
    expect(await played).toEqual({ status: 'played', playedMs: 1280 });
    happy.q.close();

    for (const { nesting, errors } of [happy, bargeIn, cancel, abort, hangup]) {
      expect(nesting.max).toBe(1);
      expect(errors).toEqual([]);
    }
  });

  it('does not call back into pump() when a source throws at once', async () => {
    const { q, nesting, errors } = queue();
    const boom = new Error('tts failed');
    const source: AsyncIterable<Int16Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          throw boom;
        },
      }),
    };
    const playback = q.play(source);
    await sleep(30);
    expect(errors).toEqual([boom]);
    expect(nesting.max).toBe(1);
    q.close();
    expect(await playback).toMatchObject({ status: 'closed' });
  });
});

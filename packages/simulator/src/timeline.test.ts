import { describe, expect, it } from 'vitest';
import { CallTimeline } from './timeline.js';

const hangup = {
  type: 'hangup',
  atMs: 1000,
  code: 1000,
  reason: 'hangup',
  by: 'simulator',
} as const;

describe('CallTimeline', () => {
  it('groups playAudio into bursts that end at a checkpoint, a clear or a dry queue', () => {
    const t = new CallTimeline();
    t.playAudio(100, 20, true);
    t.playAudio(100, 20, false);
    t.playAudio(120, 20, false); // audio still queued: the same burst
    t.playAudio(200, 20, true); // the queue ran dry in between: the caller heard a gap
    t.checkpoint(200, 'a');
    t.playAudio(200, 40, false); // after a checkpoint: a new burst even with audio queued
    t.cleared(220, 40, []);
    t.playAudio(240, 20, true);
    t.playAudio(240, 20, true); // same tick as the last message: the same burst
    expect(t.events(hangup).filter((e) => e.type === 'playAudio')).toEqual([
      { type: 'playAudio', atMs: 100, endMs: 120, messages: 3, audioMs: 60 },
      { type: 'playAudio', atMs: 200, endMs: 200, messages: 1, audioMs: 20 },
      { type: 'playAudio', atMs: 200, endMs: 200, messages: 1, audioMs: 40 },
      { type: 'playAudio', atMs: 240, endMs: 240, messages: 2, audioMs: 40 },
    ]);
  });

  it('pairs each acknowledgement with when its checkpoint was sent, first in first out per name', () => {
    const t = new CallTimeline();
    t.checkpoint(100, 'x');
    t.checkpoint(140, 'x');
    t.acknowledged(160, 'x'); // the first x
    t.cleared(180, 0, ['x']); // voids the second x: it is never acknowledged
    t.checkpoint(200, 'y');
    t.checkpoint(300, 'x');
    t.acknowledged(220, 'y');
    t.acknowledged(400, 'x');
    t.acknowledged(500, 'never-sent');
    expect(t.events(hangup).filter((e) => e.type === 'playedStream')).toEqual([
      { type: 'playedStream', atMs: 160, name: 'x', sentAtMs: 100 },
      { type: 'playedStream', atMs: 220, name: 'y', sentAtMs: 200 },
      { type: 'playedStream', atMs: 400, name: 'x', sentAtMs: 300 },
      { type: 'playedStream', atMs: 500, name: 'never-sent', sentAtMs: 500 },
    ]);
  });

  it('returns copies, closed by the hangup', () => {
    const t = new CallTimeline();
    t.add({ type: 'start', atMs: 0 });
    t.playAudio(0, 20, true);
    const first = t.events(hangup);
    t.playAudio(0, 20, false);
    expect(first).toEqual([
      { type: 'start', atMs: 0 },
      { type: 'playAudio', atMs: 0, endMs: 0, messages: 1, audioMs: 20 },
      hangup,
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { PlayoutBuffer } from './playout-buffer.js';

const ramp = (length: number, from = 1): Int16Array =>
  Int16Array.from({ length }, (_, i) => from + i);

/** One tick of the call clock: report what was reached, then play the next slot. */
function tick(playout: PlayoutBuffer): string[] {
  const reached = playout.reached();
  playout.playSlot();
  return reached;
}

describe('PlayoutBuffer', () => {
  it('plays queued audio slot by slot onto heard, sample-exact, with silence after it', () => {
    const playout = new PlayoutBuffer(4);
    playout.enqueue(ramp(6));
    expect(Array.from(playout.playSlot())).toEqual([1, 2, 3, 4]);
    expect(Array.from(playout.playSlot())).toEqual([5, 6, 0, 0]);
    expect(Array.from(playout.playSlot())).toEqual([0, 0, 0, 0]);
    expect(Array.from(playout.heard())).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0]);
    expect(playout.playedSamples).toBe(6);
    expect(playout.slots).toBe(3);
  });

  it('puts audio queued after silent slots at the slot where it starts playing', () => {
    const playout = new PlayoutBuffer(2);
    playout.playSlot();
    playout.enqueue(new Int16Array([7, 8]));
    playout.enqueue(new Int16Array([9]));
    playout.playSlot();
    playout.playSlot();
    expect(Array.from(playout.heard())).toEqual([0, 0, 7, 8, 9, 0]);
  });

  it('reaches a checkpoint only once the audio queued before it has played', () => {
    const playout = new PlayoutBuffer(160);
    playout.enqueue(ramp(400));
    playout.checkpoint('greeting');
    expect(tick(playout)).toEqual([]); // plays 0-160
    expect(tick(playout)).toEqual([]); // plays 160-320
    expect(tick(playout)).toEqual([]); // plays 320-400: crosses the checkpoint mid-slot
    expect(playout.pendingCheckpoints).toBe(1);
    expect(tick(playout)).toEqual(['greeting']); // that slot has ended
    expect(playout.pendingCheckpoints).toBe(0);
  });

  it('reaches a checkpoint on a slot boundary when that slot ends, not before', () => {
    const playout = new PlayoutBuffer(160);
    playout.enqueue(ramp(320));
    playout.checkpoint('a');
    expect(tick(playout)).toEqual([]);
    expect(tick(playout)).toEqual([]);
    expect(playout.idle).toBe(false);
    expect(tick(playout)).toEqual(['a']);
    expect(playout.idle).toBe(true);
  });

  it('reaches a checkpoint with nothing queued before it at the next tick', () => {
    const playout = new PlayoutBuffer(160);
    playout.playSlot();
    playout.checkpoint('now');
    expect(playout.reached()).toEqual(['now']);
  });

  it('reports several checkpoints in queue order', () => {
    const playout = new PlayoutBuffer(10);
    playout.checkpoint('first');
    playout.enqueue(ramp(5));
    playout.checkpoint('second');
    playout.checkpoint('third');
    playout.enqueue(ramp(20));
    playout.checkpoint('fourth');
    expect(tick(playout)).toEqual(['first']);
    expect(tick(playout)).toEqual(['second', 'third']);
    expect(tick(playout)).toEqual([]);
    expect(tick(playout)).toEqual(['fourth']);
    // checkpoints take no time: the audio around them plays back to back
    expect(Array.from(playout.heard().subarray(0, 10))).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  });

  it('clear drops unplayed audio and voids queued checkpoints, which are never reached', () => {
    const playout = new PlayoutBuffer(4);
    playout.enqueue(ramp(6));
    playout.checkpoint('answer');
    playout.enqueue(ramp(4, 100));
    playout.checkpoint('more');
    playout.playSlot();
    expect(playout.clear()).toEqual({ droppedSamples: 6, voided: ['answer', 'more'] });
    expect(playout.idle).toBe(true);
    for (let i = 0; i < 5; i++) expect(tick(playout)).toEqual([]);
    expect(Array.from(playout.heard().subarray(0, 8))).toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
  });

  it('clear keeps a checkpoint the playhead already crossed, since its audio did play', () => {
    const playout = new PlayoutBuffer(4);
    playout.enqueue(ramp(2));
    playout.checkpoint('short');
    playout.enqueue(ramp(10));
    playout.playSlot();
    playout.clear();
    expect(playout.reached()).toEqual(['short']);
  });

  it('keeps a sample-exact timeline past its initial capacity', () => {
    const playout = new PlayoutBuffer(160);
    const audio = Int16Array.from({ length: 160 * 1200 }, (_, i) => (i * 7) % 30001);
    playout.enqueue(audio);
    for (let i = 0; i < 1201; i++) playout.playSlot();
    const heard = playout.heard();
    expect(heard.length).toBe(160 * 1201);
    expect(Buffer.from(heard.buffer, 0, audio.byteLength).equals(Buffer.from(audio.buffer))).toBe(
      true,
    );
    expect(heard.subarray(audio.length).every((s) => s === 0)).toBe(true);
  });

  it('rejects a slot size that is not a positive integer', () => {
    expect(() => new PlayoutBuffer(0)).toThrow(RangeError);
    expect(() => new PlayoutBuffer(1.5)).toThrow(RangeError);
  });
});

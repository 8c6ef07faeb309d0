import { describe, expect, it } from 'vitest';
import { StereoTimeline } from './stereo-timeline.js';

function collector() {
  const blocks: Int16Array[] = [];
  const all = (): number[] => blocks.flatMap((b) => Array.from(b));
  return { blocks, all, emit: (b: Int16Array) => void blocks.push(b.slice()) };
}

describe('StereoTimeline', () => {
  it('interleaves left and right, with silence where nothing was placed', () => {
    const c = collector();
    const t = new StereoTimeline(16, c.emit);
    t.put(0, 0, new Int16Array([1, 2]));
    t.put(1, 1, new Int16Array([9]));
    t.put(0, 4, new Int16Array([5]));
    t.flushTo(t.trackEnd);
    expect(c.all()).toEqual([1, 0, 2, 9, 0, 0, 0, 0, 5, 0]);
    expect(t.flushed).toBe(5);
  });

  it('moves the window forward instead of growing when audio lands past it, across the ring edge', () => {
    const c = collector();
    const t = new StereoTimeline(4, c.emit);
    t.put(0, 0, new Int16Array([1, 2, 3]));
    t.put(0, 3, new Int16Array([4, 5, 6])); // needs positions up to 6: 0-1 are emitted first
    expect(t.flushed).toBe(2);
    t.flushTo(6);
    expect(c.all().filter((_, i) => i % 2 === 0)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('drops the part of late audio that was already emitted', () => {
    const c = collector();
    const t = new StereoTimeline(8, c.emit);
    t.put(0, 0, new Int16Array([1, 1, 1, 1]));
    t.flushTo(3);
    t.put(0, 2, new Int16Array([7, 8]));
    t.flushTo(4);
    expect(c.all().filter((_, i) => i % 2 === 0)).toEqual([1, 1, 1, 8]);
  });

  it('mixes bot audio into the right channel with saturation, across flushes', () => {
    const c = collector();
    const t = new StereoTimeline(8, c.emit);
    t.put(1, 0, new Int16Array([30000, 30000, -30000, 100]));
    t.addBot(1, new Int16Array([10000, -10000, 5]));
    t.flushTo(2);
    t.flushTo(Math.max(t.trackEnd, t.botEnd));
    expect(c.all().filter((_, i) => i % 2 === 1)).toEqual([30000, 32767, -32768, 105]);
    expect(t.botEnd).toBe(0);
  });

  it('removes bot audio at and after a clear point', () => {
    const c = collector();
    const t = new StereoTimeline(16, c.emit);
    t.addBot(2, new Int16Array([1, 2, 3, 4]));
    t.addBot(6, new Int16Array([5, 6]));
    t.truncateBot(4);
    expect(t.botEnd).toBe(4);
    t.flushTo(8);
    expect(c.all().filter((_, i) => i % 2 === 1)).toEqual([0, 0, 1, 2, 0, 0, 0, 0]);
  });
});

import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../stream/audio-frame.js';
import { FramePlacer } from './frame-placer.js';

const T0 = 1_705_312_200_000;
const frame = (timestamp: number, track: AudioFrame['track'] = 'inbound'): AudioFrame => ({
  track,
  samples: new Int16Array(160),
  sampleRate: 8000,
  timestamp,
  chunk: 0,
  sequenceNumber: -1,
});

/** Places frames in order (each after the track audio placed before it) and returns their positions. */
function positions(placer: FramePlacer, frames: AudioFrame[]): number[] {
  let end = 0;
  return frames.map((f) => {
    const pos = placer.place(f, end);
    end = Math.max(end, pos + f.samples.length);
    return pos;
  });
}

describe('FramePlacer', () => {
  it('places frames by timestamp from the first one, leaving a gap for a missing frame', () => {
    const placer = new FramePlacer(8000, 2000);
    expect(positions(placer, [frame(T0), frame(T0 + 20), frame(T0 + 60)])).toEqual([0, 160, 480]);
  });

  it('keeps frames contiguous through a few ms of timestamp jitter', () => {
    const placer = new FramePlacer(8000, 2000);
    expect(positions(placer, [frame(T0), frame(T0 + 23), frame(T0 + 38), frame(T0 + 60)])).toEqual([
      0, 160, 320, 480,
    ]);
  });

  it('compresses a jump of more than 5 s to 5 s, and keeps counting from there', () => {
    const placer = new FramePlacer(8000, 2000);
    const hour = 3_600_000;
    expect(positions(placer, [frame(T0), frame(T0 + hour), frame(T0 + hour + 20)])).toEqual([
      0,
      160 + 40_000,
      320 + 40_000,
    ]);
  });

  it('treats a timestamp far in the past as a clock reset, not as a late frame', () => {
    const placer = new FramePlacer(8000, 2000);
    expect(positions(placer, [frame(T0), frame(T0 + 20), frame(1000), frame(1020)])).toEqual([
      0, 160, 320, 480,
    ]);
  });

  it('places a late (out-of-order) frame at its own position', () => {
    const placer = new FramePlacer(8000, 2000);
    expect(positions(placer, [frame(T0), frame(T0 + 40), frame(T0 + 20)])).toEqual([0, 320, 160]);
  });

  it('puts the second track on the same clock as the first', () => {
    const placer = new FramePlacer(8000, 2000);
    expect(
      positions(placer, [
        frame(T0),
        frame(T0 + 20),
        frame(T0 + 20, 'outbound'),
        frame(T0 + 40, 'outbound'),
      ]),
    ).toEqual([0, 160, 160, 320]);
  });
});

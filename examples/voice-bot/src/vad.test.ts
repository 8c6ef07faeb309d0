import { describe, expect, it } from 'vitest';
import { EnergyVad, levelDbfs, type VadEvent } from './vad.js';

const RATE = 8000;
const FRAME = 160; // 20 ms

function tone(frames: number, amplitude: number): Int16Array[] {
  return Array.from({ length: frames }, (_, f) =>
    Int16Array.from({ length: FRAME }, (_, i) =>
      Math.round(amplitude * Math.sin((2 * Math.PI * 440 * (f * FRAME + i)) / RATE)),
    ),
  );
}
const silence = (frames: number): Int16Array[] =>
  Array.from({ length: frames }, () => new Int16Array(FRAME));

/** Runs frames through a VAD; returns the events with the index of the frame that caused them. */
function run(vad: EnergyVad, frames: Int16Array[]): [number, VadEvent][] {
  const events: [number, VadEvent][] = [];
  frames.forEach((f, i) => {
    const e = vad.push(f, RATE);
    if (e !== undefined) events.push([i, e]);
  });
  return events;
}

describe('levelDbfs', () => {
  it('measures a full-scale square wave at 0 dBFS, a half-scale one at -6 dBFS and silence at -Infinity', () => {
    const square = Int16Array.from({ length: 160 }, (_, i) => (i % 2 === 0 ? 32767 : -32768));
    expect(levelDbfs(square)).toBeCloseTo(0, 3);
    expect(levelDbfs(square.map((s) => s / 2))).toBeCloseTo(-6.02, 1);
    // A sine's RMS is its peak / sqrt(2): 3 dB below the square of the same peak.
    expect(levelDbfs(tone(1, 16384)[0] as Int16Array)).toBeCloseTo(-9.03, 1);
    expect(levelDbfs(new Int16Array(160))).toBe(-Infinity);
  });
});

describe('EnergyVad', () => {
  it('reports nothing for silence and for a tone below the threshold', () => {
    expect(run(new EnergyVad(), silence(100))).toEqual([]);
    expect(run(new EnergyVad(), tone(100, 100))).toEqual([]); // about -53 dBFS
  });

  it('starts speech on the third voiced frame and ends the turn after 700 ms of silence', () => {
    const frames = [...silence(10), ...tone(50, 8000), ...silence(50)];
    // Voiced from frame 10: 60 ms reached on frame 12. Silent from frame 60: 700 ms on frame 94.
    expect(run(new EnergyVad(), frames)).toEqual([
      [12, 'speech-start'],
      [94, 'turn-end'],
    ]);
  });

  it('keeps one turn across pauses shorter than the hangover', () => {
    const frames = [...tone(20, 8000), ...silence(30), ...tone(20, 8000), ...silence(40)];
    expect(run(new EnergyVad(), frames)).toEqual([
      [2, 'speech-start'],
      [104, 'turn-end'],
    ]);
  });

  it('ignores clicks shorter than startMs', () => {
    const frames = [...tone(2, 20000), ...silence(5), ...tone(1, 20000), ...silence(40)];
    expect(run(new EnergyVad(), frames)).toEqual([]);
  });

  it('follows its options, and reset() forgets a turn in progress', () => {
    const vad = new EnergyVad({ thresholdDb: -60, startMs: 20, hangoverMs: 100 });
    expect(run(vad, [...tone(3, 100), ...silence(6)])).toEqual([
      [0, 'speech-start'],
      [7, 'turn-end'],
    ]);
    vad.push(tone(1, 100)[0] as Int16Array, RATE);
    expect(vad.speaking).toBe(true);
    vad.reset();
    expect(vad.speaking).toBe(false);
    expect(() => new EnergyVad({ hangoverMs: 0 })).toThrow(/hangoverMs/);
  });
});

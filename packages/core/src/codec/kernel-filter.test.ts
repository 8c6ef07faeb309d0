import { describe, expect, it } from 'vitest';
import type { KernelFilter } from './kernel-filter.js';
import { designKernelFilter, renderKernel } from './kernel-filter.js';
import type { PolyphaseFilter } from './polyphase-filter.js';
import { designPolyphaseFilter } from './polyphase-filter.js';

/** The table's weight for each input offset from `base` in phase p (0 where it has no tap). */
function tableRow(filter: PolyphaseFilter, p: number): Map<number, number> {
  const row = new Map<number, number>([[0, filter.center[p]!]]);
  for (let c = filter.combStart[p]!; c < filter.combStart[p + 1]!; c++) {
    for (let j = 0; j < filter.combCount[c]!; j++) {
      const offset = filter.combOffset[c]! + j * filter.stride;
      row.set(offset, (row.get(offset) ?? 0) + filter.weights[filter.combWeights[c]! + j]!);
    }
  }
  return row;
}

/** The kernel filter's normalised weight for each input offset in phase p, as it renders them. */
function kernelRow(filter: KernelFilter, p: number): Map<number, number> {
  const raw = new Map<number, number>();
  let sum = 0;
  for (let o = -filter.before; o <= filter.after; o++) {
    const x = Math.abs(o - p / filter.up) * filter.scale;
    const k = Math.floor(x);
    const w = filter.values[k]! + (x - k) * filter.slopes[k]!;
    raw.set(o, w);
    sum += w;
  }
  return new Map([...raw].map(([o, w]) => [o, w / sum]));
}

describe('designKernelFilter', () => {
  it.each([
    [44100, 8000],
    [8000, 44100],
    [16000, 8000],
    [22050, 16000],
  ])('%i → %i Hz: weighs every input within 5e-6 of the table design (-106 dB)', (from, to) => {
    const table = designPolyphaseFilter(from, to);
    const kernel = designKernelFilter(from, to);
    expect([kernel.up, kernel.down]).toEqual([table.up, table.down]);
    let worst = 0;
    for (let p = 0; p < table.up; p++) {
      const expected = tableRow(table, p);
      for (const [o, w] of kernelRow(kernel, p)) {
        worst = Math.max(worst, Math.abs(w - (expected.get(o) ?? 0)));
      }
      // Every non-zero tap of the table is within the kernel filter's reach.
      for (const [o, w] of expected) {
        if (w !== 0) expect(o >= -kernel.before && o <= kernel.after, `offset ${o}`).toBe(true);
      }
    }
    expect(worst).toBeLessThan(5e-6);
  });
});

describe('renderKernel', () => {
  it('computes each output from the history around its instant and steps down/up per output', () => {
    // 8000 → 44101 Hz: up 44101, down 8000. Outputs at phases 0 and 8000 around input 30.
    const filter = designKernelFilter(8000, 44101);
    const history = Float64Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? 1000 : -1000));
    const out = new Int16Array(3);
    renderKernel(filter, history, 0, 30, 0, out, 0, 3);
    const expected = [0, 8000, 16000].map((phase) => {
      let acc = 0;
      for (const [o, w] of kernelRow(filter, phase)) acc += history[30 + o]! * w;
      return Math.round(acc);
    });
    expect(Array.from(out)).toEqual(expected);
    expect(out[0]).toBe(1000); // on input 30 itself
    // An alternating signal sits at the Nyquist frequency: mid-way it filters to about half.
    expect(Math.abs(out[1]!)).toBeLessThan(1000);
  });
});

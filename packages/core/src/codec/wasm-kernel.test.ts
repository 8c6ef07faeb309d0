import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { getPolyphaseFilter } from './polyphase-filter.js';
import { createResamplerOn, RESAMPLER_RATES, type Resampler } from './resampler.js';
import { RESAMPLER_KERNEL_WASM } from './resampler-kernel-wasm.js';
import { hasWasmKernel, kernelHandles } from './wasm-kernel.js';

const PAIRS = RESAMPLER_RATES.flatMap((from) =>
  RESAMPLER_RATES.filter((to) => to !== from).map((to) => [from, to] as const),
);
/** Table filters beyond the platform rates: strides 1 to 24, fine ratios, 3:4. */
const OTHER_PAIRS = [
  [44100, 8000],
  [8000, 44100],
  [44100, 48000],
  [48000, 44100],
  [22050, 16000],
  [11025, 8000],
  [32000, 24000],
  [96000, 8000],
  [192000, 8000],
  [192000, 44100],
] as const;

/** Noise with a full-scale square wave on top: it rings past full scale, so outputs clip. */
function testSignal(length: number, seed: number): Int16Array {
  let state = seed;
  return Int16Array.from({ length }, (_, i) => {
    state = (state * 1103515245 + 12345) >>> 0;
    const noise = (state >>> 16) - 32768;
    return Math.max(-32768, Math.min(32767, (i % 97 < 48 ? 26000 : -26000) + (noise >> 2)));
  });
}

/** Every process() result and the flush, in order. */
function run(resampler: Resampler, input: Int16Array, sizes: readonly number[]): Int16Array[] {
  const parts: Int16Array[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(resampler.process(input.subarray(at, at + size)));
    at = Math.min(input.length, at + size);
  }
  parts.push(resampler.process(input.subarray(at)), resampler.flush());
  return parts;
}

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Largest |a[i] - b[i]| and how many samples differ at all. */
function compare(a: Int16Array, b: Int16Array): { max: number; differing: number } {
  let max = 0;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > 0) differing++;
    max = Math.max(max, d);
  }
  return { max, differing };
}

describe('the resampler WebAssembly kernel', () => {
  it('is what resampler-kernel.wat builds to with the pinned wabt', async () => {
    const wabt = await wabtInit();
    const source = await readFile(new URL('./resampler-kernel.wat', import.meta.url), 'utf8');
    const module = wabt.parseWat('resampler-kernel.wat', source, { simd: true });
    try {
      module.validate();
      const built = Buffer.from(module.toBinary({ log: false, write_debug_names: false }).buffer);
      expect(built.equals(Buffer.from(RESAMPLER_KERNEL_WASM, 'base64'))).toBe(true);
    } finally {
      module.destroy();
    }
  });

  it('loads on this Node.js, which has WebAssembly SIMD', () => {
    expect(hasWasmKernel()).toBe(true);
    for (const [from, to] of [...PAIRS, ...OTHER_PAIRS]) {
      const filter = getPolyphaseFilter(from, to);
      expect(filter.kind === 'table' && kernelHandles(filter), `${from} → ${to}`).toBe(true);
    }
  });

  it.each([...PAIRS, ...OTHER_PAIRS])(
    '%i → %i Hz: returns as many samples per call as the JavaScript path, each within 1 of it',
    (from, to) => {
      const input = testSignal(Math.round(from * 0.3), from + to);
      const sizes = Array.from({ length: 14 }, (_, i) => [from / 50, 1, 0, 333, 7][i % 5]!);
      const wasm = run(createResamplerOn(from, to, 'wasm'), input, sizes);
      const js = run(createResamplerOn(from, to, 'js'), input, sizes);
      expect(wasm.map((p) => p.length)).toEqual(js.map((p) => p.length));
      const { max, differing } = compare(concat(wasm), concat(js));
      expect(max).toBeLessThanOrEqual(1);
      // 32-bit sums round the other way only next to a half: a few samples in a thousand.
      expect(differing).toBeLessThan(concat(js).length / 100);
      // The signal clips: both paths saturate the same samples.
      expect(concat(wasm)).toContain(32767);
      expect(concat(wasm)).toContain(-32768);
    },
  );

  it('gives the same output for any chunking on either path', () => {
    const input = testSignal(1500, 7);
    for (const path of ['wasm', 'js'] as const) {
      const oneShot = new Map(
        [...PAIRS, ...OTHER_PAIRS].map(([from, to]) => [
          `${from}>${to}`,
          concat(run(createResamplerOn(from, to, path), input, [])),
        ]),
      );
      fc.assert(
        fc.property(
          fc.constantFrom(...PAIRS, ...OTHER_PAIRS),
          fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.nat(400)), { maxLength: 30 }),
          ([from, to], sizes) => {
            const chunked = concat(run(createResamplerOn(from, to, path), input, sizes));
            expect(chunked).toEqual(oneShot.get(`${from}>${to}`));
          },
        ),
        { numRuns: 60 },
      );
    }
  });

  it('leaves filters too fine for a table to the JavaScript path', () => {
    const input = testSignal(4000, 3);
    const wasm = concat(run(createResamplerOn(44101, 8000, 'wasm'), input, [882, 5]));
    expect(wasm).toEqual(concat(run(createResamplerOn(44101, 8000, 'js'), input, [882, 5])));
  });

  it('keeps each resampler right after its filter was dropped from a full arena', () => {
    const input = testSignal(48000, 11);
    const expected = concat(run(createResamplerOn(8000, 16000, 'wasm'), input, [160, 160]));
    const resampler = createResamplerOn(8000, 16000, 'wasm');
    const parts = [resampler.process(input.subarray(0, 160))];
    // 75·m Hz → 192 kHz reduces to 2560/m: about 0.5 MB of f32 weights each, 9 MB in all.
    for (const m of [107, 109, 113, 119, 121, 127, 131, 133, 137, 139, 143, 149, 151, 157, 161]) {
      createResamplerOn(75 * m, 192000, 'wasm').process(input.subarray(0, 400));
      createResamplerOn(75 * m, 192000, 'wasm').process(input.subarray(0, 400));
    }
    parts.push(resampler.process(input.subarray(160, 320)), resampler.process(input.subarray(320)));
    parts.push(resampler.flush());
    expect(concat(parts)).toEqual(expected);
  });
});

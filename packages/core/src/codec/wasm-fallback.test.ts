import { afterEach, describe, expect, it, vi } from 'vitest';

// A file of its own: the kernel is loaded once per module graph, and this one must never see it.
describe('the resampler without WebAssembly SIMD', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('computes in JavaScript, with the same results as the JavaScript path', async () => {
    // An engine without SIMD rejects the module: validate() says false.
    const wasmApi = (globalThis as unknown as { WebAssembly: object }).WebAssembly;
    vi.stubGlobal('WebAssembly', Object.assign(Object.create(wasmApi), { validate: () => false }));
    const { hasWasmKernel } = await import('./wasm-kernel.js');
    const { createResampler, createResamplerOn } = await import('./resampler.js');
    expect(hasWasmKernel()).toBe(false);
    const input = Int16Array.from({ length: 4000 }, (_, i) =>
      Math.round(20000 * Math.sin(i / 3.1) + 9000 * Math.sin(i / 1.7)),
    );
    for (const [from, to] of [
      [8000, 16000],
      [48000, 8000],
      [24000, 16000],
    ] as const) {
      const auto = createResampler(from, to);
      const js = createResamplerOn(from, to, 'js');
      const wasm = createResamplerOn(from, to, 'wasm');
      for (const part of [input.subarray(0, 960), input.subarray(960)]) {
        const expected = js.process(part);
        expect(auto.process(part)).toEqual(expected);
        expect(wasm.process(part)).toEqual(expected);
      }
      expect(auto.flush()).toEqual(js.flush());
    }
  });
});

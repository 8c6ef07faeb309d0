/**
 * The speexdsp resampler built to WebAssembly SIMD (`@echogarden/speex-resampler-wasm`, BSD-3,
 * a devDependency of the bench only): the reference the resampler's speed target is set
 * against, and the resampler a hand-written transcription server would reach for.
 */
// @ts-expect-error -- the package ships an Emscripten module without type declarations
import createSpeexModule from '@echogarden/speex-resampler-wasm/simd';

/** The part of the Emscripten module used here. */
interface SpeexModule {
  HEAP16: Int16Array;
  HEAPU32: Uint32Array;
  _malloc(bytes: number): number;
  _speex_resampler_init(
    channels: number,
    inRate: number,
    outRate: number,
    quality: number,
    err: number,
  ): number;
  _free(pointer: number): void;
  _speex_resampler_destroy(state: number): void;
  _speex_resampler_process_int(
    state: number,
    channel: number,
    input: number,
    inLength: number,
    output: number,
    outLength: number,
  ): number;
}

/** The speexdsp quality the issue compares with (its default for VoIP). */
export const SPEEX_QUALITY = 5;

/** A streaming speexdsp resampler: `process()` returns what it has ready, as a new Int16Array. */
export interface SpeexResampler {
  process(pcm: Int16Array): Int16Array;
  /** Frees its memory in the module. */
  destroy(): void;
}

export type SpeexFactory = (fromRate: number, toRate: number) => SpeexResampler;

/** Loads the SIMD build once; the factory makes resamplers of quality {@link SPEEX_QUALITY}. */
export async function loadSpeex(): Promise<SpeexFactory> {
  const m = (await (createSpeexModule as () => Promise<SpeexModule>)()) as SpeexModule;
  return (fromRate, toRate) => {
    const err = m._malloc(4);
    const state = m._speex_resampler_init(1, fromRate, toRate, SPEEX_QUALITY, err);
    // Buffers for 20 ms frames; longer inputs go through in 20 ms pieces.
    const inSamples = fromRate / 50;
    const outSamples = 2 * Math.ceil(toRate / 50) + 16;
    const input = m._malloc(2 * inSamples);
    const output = m._malloc(2 * outSamples);
    const lengths = m._malloc(8);
    const piece = (pcm: Int16Array): Int16Array => {
      m.HEAP16.set(pcm, input >> 1);
      m.HEAPU32[lengths >> 2] = pcm.length;
      m.HEAPU32[(lengths >> 2) + 1] = outSamples;
      m._speex_resampler_process_int(state, 0, input, lengths, output, lengths + 4);
      const written = m.HEAPU32[(lengths >> 2) + 1]!;
      return m.HEAP16.slice(output >> 1, (output >> 1) + written);
    };
    return {
      destroy() {
        m._speex_resampler_destroy(state);
        for (const pointer of [err, input, output, lengths]) m._free(pointer);
      },
      process(pcm) {
        if (pcm.length <= inSamples) return piece(pcm);
        const parts: Int16Array[] = [];
        for (let at = 0; at < pcm.length; at += inSamples) {
          parts.push(piece(pcm.subarray(at, at + inSamples)));
        }
        const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const part of parts) {
          out.set(part, at);
          at += part.length;
        }
        return out;
      },
    };
  };
}

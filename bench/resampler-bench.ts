/**
 * The resampler section of the pipeline bench: µs per 20 ms frame for every pair of 8, 16, 24
 * and 48 kHz, callstream's resampler (the WebAssembly SIMD kernel `createResampler` uses, and
 * the JavaScript fallback) against the speexdsp resampler built to WebAssembly SIMD (quality 5),
 * in interleaved rounds; and the quality of all three (see resampler-quality.ts).
 */
import { loadCore, loadResamplerOn } from './deps.js';
import { measure, type MeasureOptions } from './pipeline-measure.js';
import { audioFrames } from './pipeline-naive.js';
import { measureQuality, type Quality } from './resampler-quality.js';
import { loadSpeex } from './speex.js';

const RATES = [8000, 16000, 24000, 48000];

/** The targets for the resampler. */
export const RESAMPLER_TARGETS = {
  /** callstream's time / speexdsp's, per 20 ms frame. */
  maxSpeedRatio: 1,
  minAliasRejectionDb: 80,
  maxThdPlusNoiseDb: -80,
};

export interface ResampleRow {
  fromRate: number;
  toRate: number;
  /** Input samples per 20 ms frame. */
  samples: number;
  /** `createResampler`: the WebAssembly kernel where the engine has WebAssembly SIMD. */
  wasmNs: number;
  /** The JavaScript fallback. */
  jsNs: number;
  speexNs: number;
  /** wasmNs / speexNs. */
  ratio: number;
  quality: { wasm: Quality; js: Quality; speex: Quality };
}

export async function resampleRows(options: MeasureOptions): Promise<ResampleRow[]> {
  const core = await loadCore();
  const createResamplerOn = await loadResamplerOn();
  const speex = await loadSpeex();
  const rows: ResampleRow[] = [];
  for (const fromRate of RATES) {
    for (const toRate of RATES) {
      if (fromRate === toRate) continue;
      const frames = audioFrames(fromRate, 50);
      const wasm = core.createResampler(fromRate, toRate);
      const js = createResamplerOn(fromRate, toRate, 'js');
      const sp = speex(fromRate, toRate);
      const [wasmNs = NaN, jsNs = NaN, speexNs = NaN] = measure(
        [
          { name: 'callstream', run: (i) => wasm.process(frames[i % 50]!) },
          { name: 'callstream js', run: (i) => js.process(frames[i % 50]!) },
          { name: 'speexdsp', run: (i) => sp.process(frames[i % 50]!) },
        ],
        options,
      );
      // Whole signals in 20 ms pieces, as a call feeds them.
      const chunked = (r: { process(pcm: Int16Array): Int16Array }) => (pcm: Int16Array) => {
        const parts: Int16Array[] = [];
        for (let at = 0; at < pcm.length; at += fromRate / 50) {
          parts.push(r.process(pcm.subarray(at, at + fromRate / 50)));
        }
        const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
        return out;
      };
      rows.push({
        fromRate,
        toRate,
        samples: fromRate / 50,
        wasmNs,
        jsNs,
        speexNs,
        ratio: wasmNs / speexNs,
        quality: {
          wasm: measureQuality(fromRate, toRate, () =>
            chunked(core.createResampler(fromRate, toRate)),
          ),
          js: measureQuality(fromRate, toRate, () =>
            chunked(createResamplerOn(fromRate, toRate, 'js')),
          ),
          speex: measureQuality(fromRate, toRate, () => chunked(speex(fromRate, toRate))),
        },
      });
    }
  }
  return rows;
}

/** The markdown tables of the pipeline bench. */
import { fixed, table } from './markdown.js';
import type { Row } from './pipeline.js';
import { RESAMPLER_TARGETS, type ResampleRow } from './resampler-bench.js';

const met = (ok: boolean): string => (ok ? 'yes' : 'NO');

export function printTables(
  perFrame: readonly Row[],
  resampler: readonly ResampleRow[],
  rounds: number,
  resamplerRounds: number,
): void {
  console.log(`### Codec and protocol (ns per 20 ms frame, median of ${rounds} rounds)\n`);
  console.log(
    table(
      [
        'work',
        'format',
        'samples',
        'callstream ns',
        'naive ns',
        'naive / callstream',
        'callstream ns/sample',
      ],
      perFrame.map((r) => [
        r.section,
        r.format,
        String(r.samples),
        fixed(r.callstreamNs, 0),
        fixed(r.naiveNs ?? undefined, 0),
        r.speedup === null ? '-' : `${r.speedup.toFixed(2)}×`,
        fixed(r.callstreamNs / r.samples, 2),
      ]),
    ),
  );
  const { maxSpeedRatio, minAliasRejectionDb, maxThdPlusNoiseDb } = RESAMPLER_TARGETS;
  console.log(
    `\n### Resampler against speexdsp (WebAssembly SIMD, quality 5), µs per 20 ms frame, median of ${resamplerRounds} rounds\n`,
  );
  console.log(
    table(
      [
        'conversion',
        'samples in',
        'callstream µs (wasm)',
        'callstream µs (JS fallback)',
        'speexdsp µs',
        `callstream / speexdsp (target ≤ ${maxSpeedRatio.toFixed(2)})`,
        'met',
      ],
      resampler.map((r) => [
        `${r.fromRate / 1000}k → ${r.toRate / 1000}k`,
        String(r.samples),
        fixed(r.wasmNs / 1000, 2),
        fixed(r.jsNs / 1000, 2),
        fixed(r.speexNs / 1000, 2),
        `${r.ratio.toFixed(2)}×`,
        met(r.ratio <= maxSpeedRatio),
      ]),
    ),
  );
  console.log(
    `\n### Resampler quality: alias rejection (downsampling) or image rejection (upsampling), target ≥ ${minAliasRejectionDb} dB; THD+N at 0.85 × Nyquist, target ≤ ${maxThdPlusNoiseDb} dB\n`,
  );
  // An output of exact zeros (speexdsp, far in its stop band) has no level to put in dB.
  const q = (x: number): string => (x > 120 ? '> 120' : x.toFixed(1));
  console.log(
    table(
      [
        'conversion',
        'rejection',
        'rejection dB: wasm / JS / speexdsp',
        'THD+N dB: wasm / JS / speexdsp',
        'met (callstream, both paths)',
      ],
      resampler.map(({ fromRate, toRate, quality: { wasm, js, speex } }) => [
        `${fromRate / 1000}k → ${toRate / 1000}k`,
        wasm.rejection,
        `${q(wasm.rejectionDb)} / ${q(js.rejectionDb)} / ${q(speex.rejectionDb)}`,
        `${q(wasm.thdPlusNoiseDb)} / ${q(js.thdPlusNoiseDb)} / ${q(speex.thdPlusNoiseDb)}`,
        met(
          [wasm, js].every(
            (x) => x.rejectionDb >= minAliasRejectionDb && x.thdPlusNoiseDb <= maxThdPlusNoiseDb,
          ),
        ),
      ]),
    ),
  );
  console.log('');
}

/** The markdown tables of the pipeline bench. */
import { fixed, table } from './markdown.js';
import type { Row } from './pipeline.js';

export function printTables(rows: readonly Row[], rounds: number): void {
  const perFrame = rows.filter((r) => r.section !== 'resample');
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
  console.log(`\n### Resampler (µs per 20 ms frame, median of ${rounds} rounds)\n`);
  console.log(
    table(
      ['conversion', 'samples in', 'µs/frame'],
      rows
        .filter((r) => r.section === 'resample')
        .map((r) => [r.format, String(r.samples), fixed(r.callstreamNs / 1000, 2)]),
    ),
  );
  console.log('');
}

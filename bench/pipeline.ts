/**
 * The per-frame pipeline bench: the JavaScript work of one 20 ms frame, callstream against the
 * path a user would write by hand (`JSON.parse` + `Buffer.from(payload, 'base64')` + `alawmulaw`
 * or a `readInt16LE` loop; `alawmulaw` + `JSON.stringify` on the way out), plus the resampler
 * against speexdsp (resampler-bench.ts).
 * Prints markdown tables and writes bench/results/pipeline.json.
 *
 * Run alone after `pnpm build` and compiling the bench (`tsc -p bench/tsconfig.json`):
 *   node bench/dist/pipeline.js [--quick]
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import alawmulaw from 'alawmulaw';
import type { MediaFormat } from '../packages/core/dist/index.js';
import { loadCore, type CoreModule } from './deps.js';
import { mediaMessage } from './media-message.js';
import { measure, type Contender, type MeasureOptions } from './pipeline-measure.js';
import { audioFrames, naiveDecoder, naivePlayAudio, STREAM_ID } from './pipeline-naive.js';
import { printTables } from './pipeline-report.js';
import { resampleRows, type ResampleRow } from './resampler-bench.js';

/** One measurement: median nanoseconds per 20 ms frame. */
export interface Row {
  section: 'codec' | 'decode' | 'parse + decode' | 'encode + serialize';
  format: string;
  /** Samples per frame. */
  samples: number;
  callstreamNs: number;
  /** The hand-written path. */
  naiveNs: number | null;
  /** naive / callstream: how many times faster callstream is. */
  speedup: number | null;
}

export interface PipelineBenchOptions {
  /** Fewer iterations and rounds: a smoke run of a few seconds. */
  quick?: boolean;
}

/** Distinct inputs per case, so that nothing is measured on one cached string. */
const VARIANTS = 16;

const FORMATS: readonly { label: string; format: MediaFormat; bytes: number }[] = [
  { label: 'mu-law 8k', format: { encoding: 'audio/x-mulaw', sampleRate: 8000 }, bytes: 160 },
  { label: 'L16 16k', format: { encoding: 'audio/x-l16', sampleRate: 16000 }, bytes: 640 },
  { label: 'L16 24k', format: { encoding: 'audio/x-l16', sampleRate: 24000 }, bytes: 960 },
];

function row(section: Row['section'], format: string, samples: number, ns: number[]): Row {
  const [callstreamNs = NaN, naiveNs] = ns;
  return {
    section,
    format,
    samples,
    callstreamNs,
    naiveNs: naiveNs ?? null,
    speedup: naiveNs === undefined ? null : naiveNs / callstreamNs,
  };
}

function frameRows(core: CoreModule, frame: MeasureOptions): Row[] {
  const rows: Row[] = [];
  // The codec alone, on one 20 ms mu-law frame: the table against alawmulaw's arithmetic.
  const mulawFrames = Array.from({ length: VARIANTS }, () => new Uint8Array(randomBytes(160)));
  const pcmFrames = mulawFrames.map((bytes) => core.decodeMulaw(bytes));
  const out = new Int16Array(160);
  const wire = new Uint8Array(160);
  const codec: [string, Contender[]][] = [
    [
      'mu-law decode, new array',
      [
        { name: 'decodeMulaw', run: (i) => core.decodeMulaw(mulawFrames[i % VARIANTS]!) },
        { name: 'alawmulaw', run: (i) => alawmulaw.mulaw.decode(mulawFrames[i % VARIANTS]!) },
      ],
    ],
    [
      'mu-law decode, into',
      [
        {
          name: 'decodeMulawInto',
          run: (i) => core.decodeMulawInto(mulawFrames[i % VARIANTS]!, out),
        },
        { name: 'alawmulaw', run: (i) => alawmulaw.mulaw.decode(mulawFrames[i % VARIANTS]!) },
      ],
    ],
    [
      'mu-law encode, into',
      [
        {
          name: 'encodeMulawInto',
          run: (i) => core.encodeMulawInto(pcmFrames[i % VARIANTS]!, wire),
        },
        { name: 'alawmulaw', run: (i) => alawmulaw.mulaw.encode(pcmFrames[i % VARIANTS]!) },
      ],
    ],
  ];
  for (const [label, contenders] of codec)
    rows.push(row('codec', label, 160, measure(contenders, frame)));

  for (const { label, format, bytes } of FORMATS) {
    const samples = format.encoding === 'audio/x-mulaw' ? bytes : bytes / 2;
    const payloads = Array.from({ length: VARIANTS }, () => randomBytes(bytes).toString('base64'));
    // The bytes of each message, as a WebSocket delivers them.
    const messages = payloads.map((payload, n) => mediaMessage(core.serializeMedia, n, payload));
    const decode = core.createFrameDecoder(format);
    const naive = naiveDecoder(format);
    const reader = new core.InboundReader();
    reader.decodeWith(core.createMediaDecoder(format));
    rows.push(
      row(
        'decode',
        label,
        samples,
        measure(
          [
            { name: 'callstream', run: (i) => decode(payloads[i % VARIANTS]!) },
            { name: 'naive', run: (i) => naive(payloads[i % VARIANTS]!) },
          ],
          frame,
        ),
      ),
    );
    rows.push(
      row(
        'parse + decode',
        label,
        samples,
        measure(
          [
            {
              name: 'callstream',
              run: (i) => {
                // What CallStream runs per frame on the socket's Buffer: the reader leaves the
                // payload check to the stream's strict decoder, so the payload is base64-decoded
                // once, and the message is never decoded as UTF-8.
                reader.readBytes(messages[i % VARIANTS]!);
                return reader.samples;
              },
            },
            {
              name: 'naive',
              run: (i) =>
                naive(
                  (JSON.parse(String(messages[i % VARIANTS]!)) as { media: { payload: string } })
                    .media.payload,
                ),
            },
          ],
          frame,
        ),
      ),
    );
    const pcm = audioFrames(format.sampleRate, VARIANTS);
    const encode = core.createWireEncoder(format);
    const naiveSend = naivePlayAudio(format);
    const { encoding, sampleRate } = format;
    rows.push(
      row(
        'encode + serialize',
        label,
        samples,
        measure(
          [
            {
              // The message's bytes, base64 written straight into them: what the socket sends.
              name: 'callstream',
              run: (i) =>
                core.serializePlayAudioBytes(
                  STREAM_ID,
                  encoding,
                  sampleRate,
                  encode(pcm[i % VARIANTS]!),
                ),
            },
            // ws sends a string as its UTF-8 bytes: count that encoding for the string too.
            { name: 'naive', run: (i) => Buffer.from(naiveSend(pcm[i % VARIANTS]!)) },
          ],
          frame,
        ),
      ),
    );
  }
  return rows;
}

/**
 * Runs the pipeline bench, prints its tables and writes bench/results/pipeline.json.
 *
 * @example
 * const rows = await runPipelineBench({ quick: true });
 */
export async function runPipelineBench(
  options: PipelineBenchOptions = {},
): Promise<{ rows: Row[]; resampler: ResampleRow[] }> {
  const core = await loadCore();
  const quick = options.quick === true;
  const rounds = quick ? 5 : 15;
  const frame: MeasureOptions = { iterations: quick ? 4_000 : 20_000, rounds };
  // Many short rounds: a median that a busy neighbour's time slices do not move.
  const resample: MeasureOptions = { iterations: quick ? 200 : 500, rounds: quick ? 11 : 31 };
  const rows = frameRows(core, frame);
  const resampler = await resampleRows(resample);
  printTables(rows, resampler, rounds, resample.rounds);
  const resultsDir = new URL('../results/', import.meta.url);
  await mkdir(resultsDir, { recursive: true });
  const result = {
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    date: new Date().toISOString(),
    quick,
    rows,
    resampler,
  };
  await writeFile(new URL('pipeline.json', resultsDir), `${JSON.stringify(result, null, 2)}\n`);
  return { rows, resampler };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('## Pipeline (per 20 ms frame)\n');
  await runPipelineBench({ quick: process.argv.includes('--quick') });
}

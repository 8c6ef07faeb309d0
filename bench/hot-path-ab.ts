/**
 * Same-process A/B of the per-frame hot path: each pair of ways to do one frame's work runs in
 * alternating rounds (the order flips every round), each round timed in the process's CPU time
 * (user + system, so that neighbours on a busy machine cost less than in wall time), and the
 * result is the median of the per-round ratios, which a change of load during the run hits on
 * both sides alike.
 *
 * - inbound: `String(data)` + `InboundReader.read` (the text path) against
 *   `InboundReader.readBytes(data)` on the Buffer a socket delivers (the bytes walked in place,
 *   the message and its strings made from them);
 * - outbound: the `playAudio` text and its UTF-8 bytes (what `ws` does with a string) against
 *   `serializePlayAudioBytes` of the wire bytes.
 *
 * Run after `pnpm build` and compiling the bench (`tsc -p bench/tsconfig.json`):
 *   node bench/dist/hot-path-ab.js
 */
import { randomBytes } from 'node:crypto';
import type { MediaFormat } from '../packages/core/dist/index.js';
import { loadCore } from './deps.js';
import { mediaMessage } from './media-message.js';
import { audioFrames, STREAM_ID } from './pipeline-naive.js';

const VARIANTS = 16;
const ITERATIONS = 20_000;
const ROUNDS = 21;

const FORMATS: readonly { label: string; format: MediaFormat; bytes: number }[] = [
  { label: 'mu-law 8k', format: { encoding: 'audio/x-mulaw', sampleRate: 8000 }, bytes: 160 },
  { label: 'L16 16k', format: { encoding: 'audio/x-l16', sampleRate: 16000 }, bytes: 640 },
  { label: 'L16 24k', format: { encoding: 'audio/x-l16', sampleRate: 24000 }, bytes: 960 },
];

let sink = 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** CPU nanoseconds per call of `run`, over one round. */
function cpuRound(run: (i: number) => { length: number } | undefined): number {
  const start = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) sink ^= run(i)?.length ?? 1;
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / ITERATIONS;
}

/** Median CPU ns of each side, and the median of the per-round ratios `b / a`. */
function compare(
  a: (i: number) => { length: number } | undefined,
  b: (i: number) => { length: number } | undefined,
): { a: number; b: number; ratio: number } {
  cpuRound(a); // warm-up: the JIT optimizes both before timing
  cpuRound(b);
  const as: number[] = [];
  const bs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      as.push(cpuRound(a));
      bs.push(cpuRound(b));
    } else {
      bs.push(cpuRound(b));
      as.push(cpuRound(a));
    }
  }
  return { a: median(as), b: median(bs), ratio: median(bs.map((t, r) => t / as[r]!)) };
}

const core = await loadCore();
console.log('| path | format | before ns | after ns | after / before (median of rounds) |');
console.log('| --- | --- | --- | --- | --- |');
for (const { label, format, bytes } of FORMATS) {
  const messages = Array.from({ length: VARIANTS }, (_, n) =>
    mediaMessage(core.serializeMedia, n, randomBytes(bytes).toString('base64')),
  );
  const text = new core.InboundReader();
  text.decodeWith(core.createMediaDecoder(format));
  const bytesReader = new core.InboundReader();
  bytesReader.decodeWith(core.createMediaDecoder(format));
  const inbound = compare(
    (i) => {
      text.read(String(messages[i % VARIANTS]!));
      return text.samples;
    },
    (i) => {
      bytesReader.readBytes(messages[i % VARIANTS]!);
      return bytesReader.samples;
    },
  );
  console.log(
    `| inbound parse + decode, text → bytes | ${label} | ${inbound.a.toFixed(0)} | ${inbound.b.toFixed(0)} | ${inbound.ratio.toFixed(3)} |`,
  );
}
for (const { label, format } of FORMATS) {
  const pcm = audioFrames(format.sampleRate, VARIANTS);
  const { encoding, sampleRate } = format;
  const encode = core.createFrameEncoder(format);
  const wire = core.createWireEncoder(format);
  const outbound = compare(
    (i) =>
      Buffer.from(
        core.serializePlayAudio(STREAM_ID, encoding, sampleRate, encode(pcm[i % VARIANTS]!)),
      ),
    (i) => core.serializePlayAudioBytes(STREAM_ID, encoding, sampleRate, wire(pcm[i % VARIANTS]!)),
  );
  console.log(
    `| outbound playAudio build | ${label} | ${outbound.a.toFixed(0)} | ${outbound.b.toFixed(0)} | ${outbound.ratio.toFixed(3)} |`,
  );
}
if (sink === 0.5) console.log('unreachable'); // keeps `sink` observable

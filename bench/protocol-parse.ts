/**
 * Measures `parseMessage` on media messages against plain `JSON.parse`, for the 20 ms payload
 * sizes of PROTOCOL.md §4 (160 B mu-law 8 kHz, 640 B L16 16 kHz, 960 B L16 24 kHz).
 *
 * Measured on a quiet 2-vCPU AMD EPYC VM, Node 20.20 (ns per media message):
 *
 *   payload   chars   JSON.parse   general path   parseMessage
 *   160 B      428      778-784       969-976       341-366   (2.1-2.3x)
 *   640 B     1068      965-981      1161-1185      361-391   (2.5-2.7x)
 *   960 B     1492     1109-1113     1285-1294      414-448   (2.5-2.7x)
 *
 * Of parseMessage's time, 170-250 ns is the strict base64 decode into a scratch buffer that
 * proves the skipped payload is strict base64, and so plain JSON text (without it: ~210 ns at
 * every size). The stream does not pay it twice: its `InboundReader` lets the stream's own
 * decoder prove the payload while decoding it (bench/pipeline.ts measures that path). A first, hand-written
 * charCodeAt scanner (no regular expression) measured 1.0-1.4x the time of JSON.parse: on V8, a
 * JavaScript loop over the ~190 characters around the payload costs what JSON.parse costs for
 * the whole message.
 *
 * Not part of `pnpm bench` (bench/tsconfig.json excludes it: it imports the sources). Run it with
 * the esbuild that ships with vite, no build needed:
 *   node_modules/.pnpm/node_modules/esbuild/bin/esbuild bench/protocol-parse.ts \
 *     --bundle --platform=node --format=esm --outfile=/tmp/protocol-parse.mjs \
 *     && node /tmp/protocol-parse.mjs
 */
import { randomBytes } from 'node:crypto';
import { parseMessage, parseMessageGeneral } from '../packages/core/src/protocol/parse.js';
import { serializeMedia } from '../packages/core/src/protocol/serialize-platform.js';
import { mediaMessage } from './media-message.js';

const VARIANTS = 16; // distinct texts, so nothing is cached on one string
const ITERATIONS = 1_000_000;

function mediaTexts(payloadBytes: number): string[] {
  return Array.from({ length: VARIANTS }, (_, n) =>
    // A Buffer round trip gives a flat string, as a WebSocket message is (not a rope).
    mediaMessage(serializeMedia, n, randomBytes(payloadBytes).toString('base64')).toString(),
  );
}

/**
 * Nanoseconds per call of each function, measured in interleaved rounds so that a change in
 * machine load (CI neighbours) hits every contender alike.
 */
function measure(fns: ((text: string) => unknown)[], texts: string[]): number[] {
  const ROUNDS = 20;
  const perRound = ITERATIONS / ROUNDS;
  const totals = fns.map(() => 0);
  let sink = 0;
  for (const fn of fns)
    for (let i = 0; i < perRound; i++) sink ^= fn(texts[i % VARIANTS] as string) ? 1 : 0;
  for (let round = 0; round < ROUNDS; round++) {
    fns.forEach((fn, f) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) sink ^= fn(texts[i % VARIANTS] as string) ? 1 : 0;
      totals[f] = (totals[f] as number) + Number(process.hrtime.bigint() - start);
    });
  }
  if (sink === 2) console.log('unreachable');
  return totals.map((total) => total / ITERATIONS);
}

const rows: Record<string, string | number>[] = [];
for (const bytes of [160, 640, 960]) {
  const texts = mediaTexts(bytes);
  const [jsonParse = 0, general = 0, fast = 0] = measure(
    [(t) => JSON.parse(t), parseMessageGeneral, parseMessage],
    texts,
  );
  rows.push({
    payload: `${bytes} B`,
    'message chars': (texts[0] as string).length,
    'JSON.parse ns': jsonParse.toFixed(0),
    'general path ns': general.toFixed(0),
    'parseMessage ns': fast.toFixed(0),
    speedup: `${(jsonParse / fast).toFixed(1)}x`,
  });
}
console.table(rows);

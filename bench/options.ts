/** The flags of `pnpm bench` (see README.md). */
import { parseArgs } from 'node:util';
import { defaultGeneratorCount } from './generator-group.js';
import { VARIANTS, type Variant } from './ipc.js';

export const SECTIONS = ['pipeline', 'server', 'capacity', 'memory'] as const;
export type Section = (typeof SECTIONS)[number];

export interface CapacityOptions {
  /** Calls at the first step. */
  start: number;
  /** Each step multiplies the calls by this until a step fails. */
  factor: number;
  /** Bisections between the last passing and the first failing step. */
  refine: number;
  /** Never go past this many calls. */
  maxCalls: number;
  warmupMs: number;
  windowMs: number;
}

export interface BenchOptions {
  quick: boolean;
  sections: ReadonlySet<Section>;
  variants: readonly Variant[];
  /** Calls at each load point of the server section. */
  calls: readonly number[];
  /** Calls of the two-way echo pair (d, e) in the server section. */
  twoWayCalls: number;
  /** Times each call count of the server section runs its variants (interleaved). */
  repeat: number;
  /** Warmup and measurement window of the server section. */
  warmupMs: number;
  windowMs: number;
  capacity: CapacityOptions;
  /** Calls held open by the memory section. */
  memoryCalls: number;
  /** How long media flows before the active-stream memory sample. */
  memorySettleMs: number;
  /** Load generator processes per load point (server and capacity sections). */
  generators: number;
  /** Write CPU profiles of the server processes of the server section (bench/results/profiles). */
  profile: boolean;
}

export const USAGE = `Usage: pnpm bench [-- flags]
  --quick               small N, short windows: a smoke run of about a minute
  --calls 500,1000      calls at each load point of the server section
  --two-way-calls N     calls of the two-way echo variants d and e (default 400, quick 200)
  --seconds N           measurement window of the server section (default 10, quick 3)
  --repeat N            runs of each call count's variants, interleaved; ratios are the median
                        of the runs' ratios (default 3, quick 1)
  --only server,memory  sections to run: ${SECTIONS.join(', ')} (default: all)
  --variants a,b,c      variants to run (default: all; capacity and memory run a, b, c of them)
  --generators N        load generator processes (default: one per core besides the server's, max 4)
  --profile             CPU-profile the server processes of the server section
  --help`;

function list<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = value.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!allowed.includes(item as T))
      throw new TypeError(`${flag}: "${item}" is not one of ${allowed.join(', ')}`);
  }
  return items as T[];
}

function positiveNumbers(value: string, flag: string): number[] {
  const numbers = value.split(',').map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new TypeError(`${flag}: expected positive integers, got "${value}"`);
  }
  return numbers;
}

/** Parses the command line; throws a TypeError naming the flag on a bad value. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      calls: { type: 'string' },
      'two-way-calls': { type: 'string' },
      seconds: { type: 'string' },
      repeat: { type: 'string' },
      only: { type: 'string' },
      variants: { type: 'string' },
      generators: { type: 'string' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick;
  const seconds =
    values.seconds === undefined
      ? quick
        ? 3
        : 10
      : positiveNumbers(values.seconds, '--seconds')[0]!;
  return {
    quick,
    sections: new Set(values.only === undefined ? SECTIONS : list(values.only, SECTIONS, '--only')),
    variants:
      values.variants === undefined ? VARIANTS : list(values.variants, VARIANTS, '--variants'),
    calls:
      values.calls === undefined
        ? quick
          ? [200]
          : [500, 1000]
        : positiveNumbers(values.calls, '--calls'),
    twoWayCalls:
      values['two-way-calls'] === undefined
        ? quick
          ? 200
          : 400
        : positiveNumbers(values['two-way-calls'], '--two-way-calls')[0]!,
    repeat:
      values.repeat === undefined
        ? quick
          ? 1
          : 3
        : positiveNumbers(values.repeat, '--repeat')[0]!,
    warmupMs: quick ? 1_000 : 3_000,
    windowMs: seconds * 1000,
    capacity: quick
      ? { start: 250, factor: 2, refine: 0, maxCalls: 500, warmupMs: 1_000, windowMs: 2_000 }
      : { start: 500, factor: 1.25, refine: 2, maxCalls: 6_000, warmupMs: 2_000, windowMs: 5_000 },
    memoryCalls: quick ? 200 : 1000,
    memorySettleMs: quick ? 1_500 : 3_000,
    generators:
      values.generators === undefined
        ? defaultGeneratorCount()
        : positiveNumbers(values.generators, '--generators')[0]!,
    profile: values.profile,
  };
}

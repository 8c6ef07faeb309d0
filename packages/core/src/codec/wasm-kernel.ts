/**
 * The resampler's WebAssembly SIMD kernel (`resampler-kernel.wat`): loaded synchronously on
 * first use, one instance per process, shared by every resampler. It computes the table
 * filters of `polyphase-filter.ts` in 32-bit floats, four taps at a time; the JavaScript path
 * in `resampler.ts` computes them in 64-bit floats, so the two differ by at most 1 in a sample
 * (the f32 error of a 16-bit output is below 0.1) and follow the same timing rules.
 *
 * The resamplers keep their own state (an Int16Array history); each render copies the inputs
 * it needs into the kernel's memory and the outputs back. Filters are copied in once and kept
 * in an arena of {@link ARENA_BYTES}; when a new one does not fit, the arena starts over and the
 * filters still in use are copied in again on their next render.
 *
 * Memory: [output i16 × MAX_OUTPUTS][input i16 × MAX_INPUTS][scratch f32][filters …].
 */

import { RESAMPLER_KERNEL_WASM } from './resampler-kernel-wasm.js';
import type { PolyphaseFilter } from './polyphase-filter.js';

/** Outputs per kernel call (a multiple of 12: the kernel computes twelve at a time). */
const MAX_OUTPUTS = 1020;
/** Inputs per kernel call: 1020 outputs at down/up ≤ 24, plus the filter span, fit. */
const MAX_INPUTS = 32768;
/** Largest comb stride the scratch has room for (192 → 8 kHz has 24). */
const MAX_STRIDE = 64;
const OUT = 0;
// Every region starts on a 16-byte boundary, for aligned vector loads and stores.
const IN = OUT + 2048;
const SCRATCH = IN + 2 * MAX_INPUTS + 64;
const ARENA = SCRATCH + 192 + 4 * (MAX_INPUTS + MAX_STRIDE) + 64;
/** Filter memory kept at once; a filter larger than this is left to the JavaScript path. */
export const ARENA_BYTES = 8 * 1024 * 1024;
const PAGE = 65536;

type Render = (
  filter: number,
  input: number,
  length: number,
  base: number,
  phase: number,
  count: number,
  output: number,
  scratch: number,
) => void;

/** The part of the WebAssembly JavaScript API used here (lib ES2023 does not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

interface Kernel {
  memory: WasmMemory;
  render: Render;
  heap16: Int16Array;
}

let kernel: Kernel | null | undefined;
/** Where each filter sits in the arena, and the arena's first free byte. */
const placed = new Map<PolyphaseFilter, number>();
let arenaEnd = ARENA;

function load(): Kernel | null {
  const bytes = Buffer.from(RESAMPLER_KERNEL_WASM, 'base64');
  // False where the engine lacks WebAssembly SIMD: the resamplers then use the JavaScript path.
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const memory = instance.exports['memory'] as WasmMemory;
  const render = instance.exports['render'] as Render;
  return { memory, render, heap16: new Int16Array(memory.buffer) };
}

/** The kernel, or null where WebAssembly SIMD is not available. */
function getKernel(): Kernel | null {
  if (kernel === undefined) kernel = load();
  return kernel;
}

/**
 * Whether this process has the kernel (it needs WebAssembly SIMD, which Node.js 20 has).
 *
 * @example
 * const path = hasWasmKernel() ? 'wasm' : 'js';
 * @internal
 */
export function hasWasmKernel(): boolean {
  return getKernel() !== null;
}

/** Bytes a filter takes in the arena. */
function sizeOf(filter: PolyphaseFilter): number {
  const combs = filter.combOffset.length;
  return 32 + 4 * filter.up + 4 * (filter.up + 1) + 16 * combs + 16 + 4 * filter.weights.length;
}

/**
 * Whether the kernel can compute `filter`: WebAssembly SIMD is available and the filter fits.
 * A resampler decides once, at creation, so that one stream never mixes the two paths.
 *
 * @example
 * const wasm = filter.kind === 'table' && kernelHandles(filter);
 * @internal
 */
export function kernelHandles(filter: PolyphaseFilter): boolean {
  return (
    getKernel() !== null &&
    filter.stride <= MAX_STRIDE &&
    filter.down / filter.up <= 24 &&
    sizeOf(filter) <= ARENA_BYTES
  );
}

/** Copies `filter` into the arena (starting it over when full); returns its address. */
function place(k: Kernel, filter: PolyphaseFilter): number {
  const known = placed.get(filter);
  if (known !== undefined) return known;
  const size = sizeOf(filter);
  if (arenaEnd + size > ARENA + ARENA_BYTES) {
    placed.clear();
    arenaEnd = ARENA;
  }
  const at = arenaEnd;
  arenaEnd += size + (-size & 15);
  if (arenaEnd > k.memory.buffer.byteLength) {
    k.memory.grow(Math.ceil((arenaEnd - k.memory.buffer.byteLength) / PAGE));
    k.heap16 = new Int16Array(k.memory.buffer);
  }
  const { up, down, stride, center, combStart, combOffset, combWeights, combCount, weights } =
    filter;
  const words = new Int32Array(k.memory.buffer, at, size >> 2);
  const floats = new Float32Array(k.memory.buffer, at, size >> 2);
  const centerAt = 8;
  const combStartAt = centerAt + up;
  const combsAt = combStartAt + up + 1;
  // Weights on a 16-byte boundary (`at` is on one), for aligned vector loads.
  const weightsAt = 4 * Math.ceil((combsAt + 4 * combOffset.length) / 4);
  words.set([up, down, Math.floor(down / up), down % up, stride]);
  words[5] = at + 4 * centerAt;
  words[6] = at + 4 * combStartAt;
  words[7] = at + 4 * combsAt;
  floats.set(center, centerAt);
  words.set(combStart, combStartAt);
  for (let c = 0; c < combOffset.length; c++) {
    const offset = combOffset[c]!;
    const q = Math.floor(offset / stride);
    const record = combsAt + 4 * c;
    words[record] = q;
    words[record + 1] = offset - q * stride;
    words[record + 2] = at + 4 * (weightsAt + combWeights[c]!);
    words[record + 3] = combCount[c]! / 4;
  }
  floats.set(weights, weightsAt);
  placed.set(filter, at);
  return at;
}

/**
 * Computes `count` outputs into `out[at …]` with the kernel, the first at `phase`/`up` past input
 * `base`, which is `history[base - start]`; the history must hold every input their taps reach.
 * Only for filters {@link kernelHandles} accepts.
 *
 * @example
 * renderWasm(filter, history, start, base, phase, out, 0, out.length);
 * @internal
 */
export function renderWasm(
  filter: PolyphaseFilter,
  history: Int16Array,
  start: number,
  base: number,
  phase: number,
  out: Int16Array,
  at: number,
  count: number,
): void {
  const k = kernel!;
  const address = place(k, filter);
  const { up, down, before, after } = filter;
  while (count > 0) {
    const n = Math.min(count, MAX_OUTPUTS);
    // The kernel computes outputs twelve at a time: the inputs of outputs 0 … n12-1 reach from
    // base - before to the last one's base + after. Past the history's end (outputs past n,
    // which are dropped) the copy is short and the kernel reads stale memory.
    const n12 = 12 * Math.ceil(n / 12);
    const lastBase = base + Math.floor((phase + (n12 - 1) * down) / up);
    const first = base - before - start;
    const length = lastBase + after + 1 - base + before;
    k.heap16.set(history.subarray(first, first + length), IN >> 1);
    k.render(address, IN, length, before, phase, n, OUT, SCRATCH);
    out.set(k.heap16.subarray(OUT >> 1, (OUT >> 1) + n), at);
    const phases = phase + n * down;
    base += Math.floor(phases / up);
    phase = phases % up;
    at += n;
    count -= n;
  }
}

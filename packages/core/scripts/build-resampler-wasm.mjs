/**
 * Builds the resampler's WebAssembly kernel from src/codec/resampler-kernel.wat into
 * src/codec/resampler-kernel-wasm.ts (the module's bytes, base64), with wabt (a pinned
 * devDependency, so the bytes are the same on every machine).
 *
 *   node scripts/build-resampler-wasm.mjs          # write the file
 *   node scripts/build-resampler-wasm.mjs --check  # fail if the committed file is not what the source builds to
 */
import { readFile, writeFile } from 'node:fs/promises';
import wabtInit from 'wabt';

const source = new URL('../src/codec/resampler-kernel.wat', import.meta.url);
const target = new URL('../src/codec/resampler-kernel-wasm.ts', import.meta.url);

/** The module's bytes, compiled from the .wat source. */
export async function buildKernel() {
  const wabt = await wabtInit();
  const wat = wabt.parseWat('resampler-kernel.wat', await readFile(source, 'utf8'), { simd: true });
  try {
    wat.validate();
    return Buffer.from(wat.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    wat.destroy();
  }
}

/** The TypeScript module that carries `bytes`. */
export function kernelModule(bytes) {
  return [
    '// Generated from resampler-kernel.wat by scripts/build-resampler-wasm.mjs: do not edit.',
    '',
    '/** The resampler kernel: a WebAssembly module (SIMD), base64. */',
    `export const RESAMPLER_KERNEL_WASM =`,
    `  '${bytes.toString('base64')}';`,
    '',
  ].join('\n');
}

if (
  process.argv[1] !== undefined &&
  import.meta.url === new URL(`file://${process.argv[1]}`).href
) {
  const text = kernelModule(await buildKernel());
  if (process.argv.includes('--check')) {
    if ((await readFile(target, 'utf8')) !== text) {
      console.error(
        'src/codec/resampler-kernel-wasm.ts is not what resampler-kernel.wat builds to: run `pnpm --filter @callstream/core run build:wasm`',
      );
      process.exit(1);
    }
  } else {
    await writeFile(target, text);
  }
}

/**
 * Where the bench finds `@callstream/core`: its build output, loaded by path. The bench is not a
 * workspace package, so the name does not resolve from here; the path is relative to the
 * compiled file (bench/dist/deps.js), and the types come from the same build, so run
 * `pnpm build` before typechecking or compiling the bench.
 */
import { createRequire } from 'node:module';
import type * as Core from '../packages/core/dist/index.js';

export type CoreModule = typeof Core;

const coreEntry = new URL('../../packages/core/dist/index.js', import.meta.url);

/** Loads `@callstream/core` from its build output. Lazy, so variant (a) does not carry it. */
export async function loadCore(): Promise<CoreModule> {
  return (await import(coreEntry.href)) as CoreModule;
}

/** Whether `ws` finds its optional native `bufferutil` (it masks and unmasks frames). */
export function hasBufferutil(): boolean {
  if (process.env['WS_NO_BUFFER_UTIL'] !== undefined) return false;
  try {
    const require = createRequire(import.meta.url);
    createRequire(require.resolve('ws'))('bufferutil');
    return true;
  } catch {
    return false;
  }
}

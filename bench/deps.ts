/**
 * Where the bench finds `ws` and `@callstream/core`. The bench is not a workspace package and has
 * no node_modules of its own, so both come through packages/core, which is the one and depends on
 * the other. The runtime paths are relative to the compiled file (bench/dist/deps.js); the types
 * come from core's build output, so run `pnpm build` before typechecking or compiling the bench.
 */
import { createRequire } from 'node:module';
import type * as Core from '../packages/core/dist/index.js';
import type WebSocket from '../packages/core/node_modules/@types/ws/index.js';

const coreRoot = new URL('../../packages/core/', import.meta.url);
const requireFromCore = createRequire(new URL('package.json', coreRoot));

/** The `ws` module callstream itself uses (same version, same optional `bufferutil`). */
export const ws = requireFromCore('ws') as typeof WebSocket;
export type { WebSocket };
export type CoreModule = typeof Core;

/** Whether `ws` found its optional native `bufferutil` (it masks and unmasks frames). */
export function hasBufferutil(): boolean {
  try {
    createRequire(requireFromCore.resolve('ws'))('bufferutil');
    return process.env['WS_NO_BUFFER_UTIL'] === undefined;
  } catch {
    return false;
  }
}

/** Loads `@callstream/core` from its build output. Lazy, so variant (a) does not carry it. */
export async function loadCore(): Promise<CoreModule> {
  return (await import(new URL('dist/index.js', coreRoot).href)) as CoreModule;
}

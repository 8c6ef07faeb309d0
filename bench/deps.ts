/**
 * Where the bench finds `@callstream/core`: its build output, loaded by path. The bench is not a
 * workspace package, so the name does not resolve from here; the path is relative to the
 * compiled file (bench/dist/deps.js), and the types come from the same build, so run
 * `pnpm build` before typechecking or compiling the bench.
 */
import { createRequire } from 'node:module';
import type * as Core from '../packages/core/dist/index.js';
import type * as Parse from '../packages/core/dist/protocol/parse.js';

export type CoreModule = typeof Core;

const coreEntry = new URL('../../packages/core/dist/index.js', import.meta.url);

/** Loads `@callstream/core` from its build output. Lazy, so variant (a) does not carry it. */
export async function loadCore(): Promise<CoreModule> {
  return (await import(coreEntry.href)) as CoreModule;
}

type ParseModule = typeof Parse;

/**
 * The parse entry point `CallStream` itself uses per frame (internal to core): media messages
 * whose payload the strict base64 decoder checks anyway skip a second check in the parser.
 */
export async function loadStreamParse(): Promise<ParseModule['parseMessageDeferringPayload']> {
  const url = new URL('../../packages/core/dist/protocol/parse.js', import.meta.url);
  return ((await import(url.href)) as ParseModule).parseMessageDeferringPayload;
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

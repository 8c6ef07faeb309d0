/**
 * Where the bench finds `@callstream/core`: its build output, loaded by path. The bench is not a
 * workspace package, so the name does not resolve from here; the path is relative to the
 * compiled file (bench/dist/deps.js), and the types come from the same build, so run
 * `pnpm build` before typechecking or compiling the bench. The bench measures internals too
 * (the per-frame decoder, the `*Into` codecs, the serializers), so it loads both the public
 * entry and `@callstream/core/internal`.
 */
import { createRequire } from 'node:module';
import type * as Core from '../packages/core/dist/index.js';
import type * as CoreInternal from '../packages/core/dist/internal.js';
import type * as ResamplerModule from '../packages/core/dist/codec/resampler.js';

export type CoreModule = typeof Core & typeof CoreInternal;

const coreEntry = new URL('../../packages/core/dist/index.js', import.meta.url);
const internalEntry = new URL('../../packages/core/dist/internal.js', import.meta.url);

/**
 * Loads `@callstream/core` and `@callstream/core/internal` from the build output, as one
 * module. Lazy, so variant (a) does not carry it.
 */
export async function loadCore(): Promise<CoreModule> {
  const [core, internal] = await Promise.all([
    import(coreEntry.href) as Promise<typeof Core>,
    import(internalEntry.href) as Promise<typeof CoreInternal>,
  ]);
  return { ...core, ...internal };
}

/**
 * The per-frame parser `CallStream` itself uses (from `@callstream/core/internal`): the message,
 * and for media the samples of the stream's decoder, which proves the payload strict base64 as
 * it decodes it, so each payload is decoded once.
 */
export type InboundReader = InstanceType<CoreModule['InboundReader']>;

/**
 * The resampler on a chosen path (internal to core): the bench times the JavaScript fallback
 * next to the WebAssembly kernel `createResampler` uses.
 */
export async function loadResamplerOn(): Promise<(typeof ResamplerModule)['createResamplerOn']> {
  const url = new URL('../../packages/core/dist/codec/resampler.js', import.meta.url);
  return ((await import(url.href)) as typeof ResamplerModule).createResamplerOn;
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

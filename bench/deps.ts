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
import type * as Parse from '../packages/core/dist/protocol/parse.js';

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

type ParseModule = typeof Parse;
export type InboundReader = InstanceType<ParseModule['InboundReader']>;

/**
 * The per-frame parser `CallStream` itself uses (internal to core, from the one module that owns
 * inbound parsing): the message, and for media the samples of the stream's decoder, which
 * proves the payload strict base64 as it decodes it, so each payload is decoded once.
 */
export async function loadInboundReader(): Promise<() => InboundReader> {
  const url = new URL('../../packages/core/dist/protocol/parse.js', import.meta.url);
  const { InboundReader } = (await import(url.href)) as ParseModule;
  return () => new InboundReader();
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

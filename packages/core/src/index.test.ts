import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from './index.js';
import * as internal from './internal.js';

describe('the package entries', () => {
  it('the main entry exports exactly the public API', () => {
    expect(Object.keys(core).sort()).toStrictEqual(
      [
        'CallStream',
        'CallstreamError',
        'StreamRegistry',
        'StreamSocket',
        'acceptStream',
        'createResampler',
        'createStreamServer',
        'decodeAlaw',
        'decodeL16',
        'decodeMulaw',
        'encodeAlaw',
        'encodeL16',
        'encodeMulaw',
        'encodeWav',
        'isCallstreamError',
        'parseExtraHeaders',
        'parseMessage',
        'parseWav',
        'readWavFile',
        'recordCall',
        'toMono',
        'verifyPlivoSignature',
      ].sort(),
    );
  });

  it('the internal entry shares nothing with the main entry', () => {
    const shared = Object.keys(internal).filter((name) => Object.hasOwn(core, name));
    expect(shared).toStrictEqual([]);
    expect(Object.keys(internal)).toContain('UpgradeHandler');
  });

  it('package.json maps both entries, types first, default last (require() on Node 20.19+)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(pkg.exports).toStrictEqual({
      '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
      './internal': {
        types: './dist/internal.d.ts',
        import: './dist/internal.js',
        default: './dist/internal.js',
      },
    });
    for (const entry of Object.values(pkg.exports)) {
      expect(Object.keys(entry)[0]).toBe('types');
      expect(Object.keys(entry).at(-1)).toBe('default');
    }
  });
});

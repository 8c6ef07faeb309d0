import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@callstream/core/internal';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has one line in the error table for every error code, and none for codes that do not exist', () => {
    const documented = [...readme.matchAll(/^\| `(ERR_[A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('opens with exactly the two set-up commands CI and newcomers run', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock.trim().split('\n')).toEqual([
      'npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 demo',
      'npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 run verify',
    ]);
    const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
    expect(ci).toContain(`'${firstBlock.trim().split('\n')[1]}'`);
  });
});

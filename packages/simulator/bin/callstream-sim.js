#!/usr/bin/env node
// A checked-in entry point: package managers link bins at install time, before `dist/` is built,
// so the bin cannot point into `dist/` directly.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'callstream-sim: @callstream/simulator is not built yet. Run `pnpm build` at the repository root.',
  );
  process.exit(2);
}
await import(cli.href);

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, entry = 'index'): string =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

const example = (name: string, file: string): string =>
  fileURLToPath(new URL(`./examples/${name}/src/${file}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a change is tested without a build. Exact matches: a
    // bare '@callstream/core' alias would also rewrite '@callstream/core/internal' as a prefix.
    alias: [
      { find: /^@callstream\/core\/internal$/, replacement: src('core', 'internal') },
      { find: /^@callstream\/core$/, replacement: src('core') },
      { find: /^@callstream\/http$/, replacement: src('http') },
      { find: /^@callstream\/fastify$/, replacement: src('fastify') },
      { find: /^@callstream\/simulator$/, replacement: src('simulator') },
      { find: /^@callstream\/nats$/, replacement: src('nats') },
      { find: /^@callstream\/example-voice-bot\/bot$/, replacement: example('voice-bot', 'bot') },
      {
        find: /^@callstream\/example-voice-bot\/script$/,
        replacement: example('voice-bot', 'script'),
      },
      { find: /^@callstream\/control$/, replacement: src('control') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});

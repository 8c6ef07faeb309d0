// Writes every ```ts block of README.md to test/readme-snippets/ so `pnpm typecheck` compiles
// them: the README's examples cannot drift from the API.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const out = new URL('../test/readme-snippets/', import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
blocks.forEach((code, i) => {
  // Each block is its own module (top-level await and its own imports).
  writeFileSync(new URL(`snippet-${i + 1}.ts`, out), `${code}\nexport {};\n`);
});
console.log(`extracted ${blocks.length} README snippets to test/readme-snippets/`);

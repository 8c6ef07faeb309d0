#!/usr/bin/env node
// Checks the packages as an npm user gets them. Packs every package under packages/* (run
// `pnpm build` first), checks each tarball's contents and metadata, installs the tarballs into a
// fresh app with npm, typechecks a program under `strict` and runs it, as ESM and from a `.cjs`
// file that require()s every export. Prints one line per check and exits non-zero on a failure.
//
//   node scripts/check-packages.mjs [--keep]   (--keep leaves the temporary app in place)
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'callstream-packages-'));
const failures = [];
let passed = 0;

function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok    ${name}`);
  } catch (err) {
    failures.push(name);
    console.log(`FAIL  ${name}\n      ${String(err?.message ?? err).replaceAll('\n', '\n      ')}`);
  }
}

function run(command, args, cwd) {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`,
      {
        cause: err,
      },
    );
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(root, 'packages', d.name))
  .filter((dir) => {
    try {
      return !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private;
    } catch {
      return false;
    }
  });

// 1. Pack each package with pnpm (which turns workspace:* into versions, as a publish does).
const tarballs = new Map(); // name -> { file, pkg, files }
for (const dir of packages) {
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  check(`${name}: packs`, () => {
    const before = new Set(readdirSync(work));
    run('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', work], dir);
    const file = readdirSync(work).find((f) => f.endsWith('.tgz') && !before.has(f));
    assert(file, 'pnpm pack wrote no tarball');
    const files = run('tar', ['-tzf', join(work, file)])
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    const pkg = JSON.parse(run('tar', ['-xOzf', join(work, file), 'package/package.json']));
    tarballs.set(name, { file: join(work, file), pkg, files });
  });
}

const builtins = new Set(['node', 'assert', 'events', 'http', 'https', 'net', 'stream', 'url']);
// Module specifiers a .d.ts file imports, its comments (TSDoc examples) left out.
const bareImports = (text) =>
  [
    ...text
      .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
      .matchAll(/(?:from\s+|import\s*\(\s*|declare module\s+|import\s+)['"]([^'"]+)['"]/g),
  ]
    .map((m) => m[1])
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtins.has(s));
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const typesPackage = (name) =>
  `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
const exportPaths = (pkg) =>
  Object.keys(pkg.exports ?? { '.': {} }).filter((k) => k !== './package.json' && !k.includes('*'));

// 2. What each tarball holds, and its metadata.
for (const [name, { file, pkg, files }] of tarballs) {
  check(`${name}: ships README.md, LICENSE and dist, and no tests, test helpers or maps`, () => {
    assert(files.includes('README.md'), 'no README.md');
    assert(files.includes('LICENSE'), 'no LICENSE');
    assert(
      /^MIT License\n\nCopyright \(c\) 2026 callstream contributors\n/.test(
        run('tar', ['-xOzf', file, 'package/LICENSE']),
      ),
      'LICENSE is not the MIT text with "Copyright (c) 2026 callstream contributors"',
    );
    const extra = files.filter((f) =>
      /(^|\/)(test-helpers|[^/]*\.test)\.|(^|\/)(test|tests|__tests__|src)\/|\.map$|\.tsbuildinfo$/.test(
        f,
      ),
    );
    assert(extra.length === 0, `ships files it should not: ${extra.join(', ')}`);
  });
  check(
    `${name}: package.json is complete (license, repository, homepage, keywords, files, exports, engines)`,
    () => {
      assert(pkg.license === 'MIT', 'license is not MIT');
      assert(pkg.repository?.url && pkg.repository?.directory, 'repository with url and directory');
      assert(typeof pkg.homepage === 'string', 'homepage');
      assert(Array.isArray(pkg.keywords) && pkg.keywords.length > 0, 'keywords');
      assert(Array.isArray(pkg.files), 'files');
      assert(pkg.type === 'module', 'type is not module');
      assert(pkg.sideEffects === false, 'sideEffects is not false');
      assert(/^>=\s*20/.test(pkg.engines?.node ?? ''), 'engines.node is not >=20');
      assert(!JSON.stringify(pkg).includes('workspace:'), 'a workspace: range survived packing');
      for (const key of exportPaths(pkg)) {
        const entry = pkg.exports[key];
        const conditions = Object.keys(entry);
        assert(conditions[0] === 'types', `exports["${key}"]: types must come first`);
        assert(conditions.includes('import'), `exports["${key}"]: no import condition`);
        assert(
          conditions.at(-1) === 'default',
          `exports["${key}"]: no default condition last (require)`,
        );
        for (const target of Object.values(entry)) {
          assert(
            files.includes(target.replace(/^\.\//, '')),
            `exports["${key}"] -> ${target} is not shipped`,
          );
        }
      }
    },
  );
  check(`${name}: every module its .d.ts files import is a declared dependency`, () => {
    const declared = new Set([
      name,
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ]);
    const missing = new Set();
    for (const f of files.filter((f) => f.endsWith('.d.ts'))) {
      for (const spec of bareImports(run('tar', ['-xOzf', file, `package/${f}`]))) {
        const dep = packageOf(spec);
        if (!declared.has(dep) && !declared.has(typesPackage(dep))) {
          missing.add(`${dep} (in ${f})`);
        } else if (dep !== name && !declared.has(typesPackage(dep))) {
          // A dependency without its own types needs its @types package declared too.
          const own = tarballs.get(dep)?.pkg ?? readDependencyPackage(dep);
          if (own && !own.types && !own.typings && !hasTypesExport(own)) {
            missing.add(`${typesPackage(dep)} (${dep} has no types; in ${f})`);
          }
        }
      }
    }
    assert(missing.size === 0, `not declared: ${[...missing].join(', ')}`);
  });
}

function readDependencyPackage(dep) {
  // The workspace's installed copy tells whether a third-party package ships its own types.
  for (const dir of packages) {
    try {
      return JSON.parse(readFileSync(join(dir, 'node_modules', dep, 'package.json'), 'utf8'));
    } catch {
      // not a dependency of this package
    }
  }
  return undefined;
}

function hasTypesExport(pkg) {
  return JSON.stringify(pkg.exports ?? {}).includes('"types"');
}

// 3. A fresh app: the tarballs, TypeScript, @types/node and the peer dependencies, from npm.
const app = join(work, 'app');
const peers = new Map();
for (const { pkg } of tarballs.values()) {
  for (const [peer, range] of Object.entries(pkg.peerDependencies ?? {})) peers.set(peer, range);
}
check('npm installs the tarballs into a fresh app', () => {
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'callstream-package-check', private: true, type: 'module' }, null, 2),
  );
  const dev = rootPkg.devDependencies;
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...[...tarballs.values()].map((t) => t.file),
      ...[...peers].map(([peer, range]) => `${peer}@${range}`),
      `typescript@${dev.typescript}`,
      `@types/node@${dev['@types/node']}`,
    ],
    app,
  );
});

// The generic part: every export of every package, imported (ESM) and required (CommonJS).
const specifiers = [...tarballs].flatMap(([name, { pkg }]) =>
  exportPaths(pkg).map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`)),
);
writeFileSync(
  join(app, 'exports.ts'),
  specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n') +
    `\nconst modules: Record<string, object> = {\n${specifiers.map((s, i) => `  '${s}': m${i},`).join('\n')}\n};\n` +
    `for (const [spec, m] of Object.entries(modules)) {\n` +
    `  if (Object.keys(m).length === 0) throw new Error(\`\${spec} exports nothing\`);\n}\n` +
    `console.log(\`exports.ts: imported \${Object.keys(modules).length} entry points\`);\n`,
);
writeFileSync(
  join(app, 'exports-require.cts'),
  `const specifiers: string[] = ${JSON.stringify(specifiers)};\n` +
    `for (const spec of specifiers) {\n` +
    `  const m = require(spec) as object;\n` +
    `  if (Object.keys(m).length === 0) throw new Error(\`\${spec} exports nothing\`);\n}\n` +
    `console.log(\`exports-require.cts: required \${specifiers.length} entry points\`);\n`,
);
// The hand-written program uses the four original packages; skip it if one is gone.
const hand = [
  '@callstream/core',
  '@callstream/http',
  '@callstream/fastify',
  '@callstream/simulator',
].every((n) => tarballs.has(n))
  ? ['app.ts', 'app-require.cts']
  : [];
for (const f of hand) copyFileSync(join(root, 'scripts/package-check', f), join(app, f));
writeFileSync(
  join(app, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        outDir: 'dist',
        types: ['node'],
      },
      include: ['*.ts', '*.cts'],
    },
    null,
    2,
  ),
);

check('the app typechecks under strict (skipLibCheck off) against the published types', () => {
  run(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
});
for (const f of ['exports.ts', 'exports-require.cts', ...hand]) {
  const js = `dist/${basename(f)
    .replace(/\.cts$/, '.cjs')
    .replace(/\.ts$/, '.js')}`;
  check(`node runs ${f} against the installed packages`, () => {
    const out = run(process.execPath, [js], app);
    process.stdout.write(out.trimEnd().replace(/^/gm, '      ') + '\n');
  });
}

if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`check-packages: ${passed} passed, ${failures.length} failed`);
process.exitCode = failures.length === 0 ? 0 : 1;

/**
 * Child processes of the NATS tests (edges and workers): their TypeScript entry points are
 * bundled with esbuild (the packages from their sources, as vitest resolves them; everything
 * else from node_modules), then run with node, speaking JSON messages over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = join(root, 'node_modules', '.cache', 'callstream-nats-tests');
const built = new Map<string, Promise<string>>();

/** Bundles `entry` (relative to the repository root) once per test file; resolves with the output path. */
export function bundle(entry: string): Promise<string> {
  let out = built.get(entry);
  if (out === undefined) {
    const outfile = join(outdir, `${entry.replace(/[/\\.]/g, '_')}-${process.pid}.mjs`);
    mkdirSync(dirname(outfile), { recursive: true });
    out = build({
      entryPoints: [join(root, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'error',
      plugins: [
        {
          name: 'workspace-sources',
          setup(b) {
            b.onResolve({ filter: /^@callstream\/[a-z-]+$/ }, (args) => ({
              path: join(
                root,
                'packages',
                args.path.slice('@callstream/'.length),
                'src',
                'index.ts',
              ),
            }));
            b.onResolve({ filter: /^@callstream\/example-[a-z-]+\/[a-z-]+$/ }, (args) => {
              const [name, file] = args.path.slice('@callstream/example-'.length).split('/');
              return {
                path: join(root, 'examples', name as string, 'src', `${file as string}.ts`),
              };
            });
            // Sources find their files (assets) next to themselves, as when they run unbundled.
            b.onLoad({ filter: /\.ts$/ }, async (args) => ({
              contents: (await readFile(args.path, 'utf8')).replaceAll(
                'import.meta.url',
                JSON.stringify(pathToFileURL(args.path).href),
              ),
              loader: 'ts',
            }));
            // Every other bare import stays an import, resolved from the repository's node_modules.
            b.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith('@callstream/')
                ? undefined
                : { path: args.path, external: true },
            );
          },
        },
      ],
    }).then(() => outfile);
    built.set(entry, out);
  }
  return out;
}

type Message = { type: string } & Record<string, unknown>;

/** A child process with a queue of the messages it sent. */
export class TestProcess {
  readonly #child: ChildProcess;
  readonly #queue: Message[] = [];
  readonly #waiters: { type: string; resolve: (m: Message) => void; reject: (e: Error) => void }[] =
    [];
  readonly exited: Promise<number | null>;
  stderr = '';

  constructor(script: string, env: Record<string, string>) {
    this.#child = fork(script, [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: ['--enable-source-maps'],
    });
    this.#child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.#child.on('message', (m: Message) => this.#received(m));
    // A child may also speak in JSON lines on stdout (the examples do): `{ "type": ... }`.
    let pending = '';
    this.#child.stdout?.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const m = JSON.parse(line) as Message;
          if (typeof m?.type === 'string') this.#received(m);
        } catch {
          // not a message: ignored
        }
      }
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code) => {
        for (const w of this.#waiters.splice(0))
          w.reject(
            new Error(`child exited (${code}) while waiting for "${w.type}": ${this.stderr}`),
          );
        resolve(code);
      });
    });
  }

  #received(m: Message): void {
    const i = this.#waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) this.#waiters.splice(i, 1)[0]?.resolve(m);
    else this.#queue.push(m);
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  send(message: Message): void {
    this.#child.send(message);
  }

  /** The next message of this type (queued or to come). */
  next<T extends Message = Message>(type: string, timeoutMs = 15_000): Promise<T> {
    const i = this.#queue.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.#queue.splice(i, 1)[0] as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const j = this.#waiters.indexOf(waiter);
        if (j >= 0) this.#waiters.splice(j, 1);
        reject(new Error(`no "${type}" message within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      const waiter = {
        type,
        resolve: (m: Message) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** Every queued message of this type, taken out of the queue. */
  drain<T extends Message = Message>(type: string): T[] {
    const out: T[] = [];
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      if (this.#queue[i]?.type === type) out.unshift(this.#queue.splice(i, 1)[0] as T);
    }
    return out;
  }

  /** SIGKILL: the process dies at once, as a crashed machine would. */
  kill(): Promise<number | null> {
    if (this.#child.exitCode === null && this.#child.signalCode === null)
      this.#child.kill('SIGKILL');
    return this.exited;
  }

  /** Asks the child to stop cleanly; kills it if it does not within a second. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    if (this.#child.connected) this.#child.send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 1_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * A real `nats-server` (Debian's package) for the NATS tests: found, installed where missing
 * (as root, with apt-get), or a clear message saying what to install. Never a silent skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Time for a set-up that may install the package first (apt-get update + install). */
export const INSTALL_TIMEOUT_MS = 180_000;

const INSTALL_HINT =
  'The NATS tests need nats-server on the PATH: install the Debian package with ' +
  '`apt-get update && apt-get install -y nats-server` (as root), then run the tests again.';

function which(command: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path !== '' ? path : undefined;
}

function apt(args: string[]): boolean {
  // Another apt-get may hold the dpkg lock for a while: wait for it (up to about 2 minutes).
  for (let i = 0; i < 40; i++) {
    const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=3', ...args], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status === 0) return true;
    if (!/lock/i.test(`${r.stderr}${r.stdout}`)) return false;
  }
  return false;
}

/** The path of nats-server, installing the Debian package when it is missing and we are root. */
export function ensureNatsServer(): string {
  const found = which('nats-server') ?? which('/usr/sbin/nats-server');
  if (found !== undefined) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || which('apt-get') === undefined) throw new Error(INSTALL_HINT);
  process.stderr.write('nats-server is missing: installing the Debian package nats-server\n');
  if (!apt(['update']) || !apt(['install', '-y', 'nats-server'])) throw new Error(INSTALL_HINT);
  const installed = which('nats-server') ?? which('/usr/sbin/nats-server');
  if (installed === undefined) throw new Error(INSTALL_HINT);
  return installed;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface NatsServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: no goodbye to the clients) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts nats-server on 127.0.0.1 on a free port (with JetStream when `jetstream` is set). */
export async function startNatsServer(options: { jetstream?: boolean } = {}): Promise<NatsServer> {
  const binary = ensureNatsServer();
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'callstream-nats-'));
  let child: ChildProcess | undefined;

  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const args = ['-a', '127.0.0.1', '-p', String(port), '-m', '0'];
      if (options.jetstream === true) args.push('-js', '-sd', storeDir);
      const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child = proc;
      let output = '';
      const onData = (data: Buffer): void => {
        output += data.toString();
        if (output.includes('Server is ready')) {
          proc.stderr?.off('data', onData);
          proc.stderr?.resume();
          resolve();
        }
      };
      proc.stderr?.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${output}`)));
      proc.once('error', reject);
    });

  const kill = (): Promise<void> =>
    new Promise((resolve) => {
      const proc = child;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) {
        resolve();
        return;
      }
      proc.removeAllListeners('exit');
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });

  await start();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    async restart(downMs = 200) {
      await kill();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

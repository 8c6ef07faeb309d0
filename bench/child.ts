/**
 * Starts a bench child process (server or load generator) with an IPC channel, pinned to one
 * CPU with `taskset` where that exists, so "per core" means one core and the server and the
 * generator do not take turns on the same one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const canPin =
  process.platform === 'linux' &&
  availableParallelism() >= 2 &&
  spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Whether children are pinned (server on CPU 0, generators on CPUs 1, 2, ...). */
export const PINNED = canPin;

export interface ChildOptions {
  /** CPU to pin the child to (when pinning is available). */
  cpu: number;
  /** Extra node flags (`--expose-gc`, `--cpu-prof`, ...). */
  nodeFlags?: readonly string[];
}

type Typed = { type: string };

/** A child process speaking the `{ type }` messages of ipc.ts. */
export class Child<Out extends Typed, In extends Typed> {
  readonly #process: ChildProcess;
  readonly #queue: In[] = [];
  readonly #waiters: { type: string; resolve: (m: In) => void; reject: (e: Error) => void }[] = [];
  #exitError: Error | undefined;
  readonly exited: Promise<number | null>;

  constructor(script: string, args: readonly string[], options: ChildOptions) {
    const path = fileURLToPath(new URL(script, import.meta.url));
    const nodeArgs = [...(options.nodeFlags ?? []), path, ...args];
    const [command, commandArgs] = canPin
      ? ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
    this.#process = spawn(command, commandArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#process.on('message', (message) => this.#deliver(message as In));
    this.exited = new Promise((resolve) => {
      this.#process.on('exit', (code, signal) => {
        this.#exitError = new Error(`${script} exited (code ${code}, signal ${signal})`);
        for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#exitError);
        resolve(code);
      });
    });
  }

  send(message: Out): void {
    this.#process.send(message);
  }

  /** The next message of this type (earlier ones of other types stay queued). */
  next<T extends In['type']>(type: T, timeoutMs: number): Promise<Extract<In, { type: T }>> {
    const index = this.#queue.findIndex((m) => m.type === type);
    if (index >= 0)
      return Promise.resolve(this.#queue.splice(index, 1)[0] as Extract<In, { type: T }>);
    if (this.#exitError !== undefined) return Promise.reject(this.#exitError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        type,
        resolve: (m: In) => {
          clearTimeout(timer);
          resolve(m as Extract<In, { type: T }>);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** Asks the child to exit, and kills it if it has not after `graceMs`. */
  async stop(exitMessage: Out, graceMs = 5_000): Promise<void> {
    if (this.#exitError === undefined && this.#process.connected) this.send(exitMessage);
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  #deliver(message: In): void {
    const index = this.#waiters.findIndex((w) => w.type === message.type);
    if (index >= 0) this.#waiters.splice(index, 1)[0]!.resolve(message);
    else this.#queue.push(message);
  }
}

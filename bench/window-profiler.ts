/**
 * A V8 CPU profile of exactly the measurement window, taken from inside the process with the
 * inspector (unlike `--cpu-prof`, which also records start-up, connecting and hanging up).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';

export class WindowProfiler {
  readonly #session = new Session();
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    this.#session.connect();
  }

  async start(): Promise<void> {
    await this.#post('Profiler.enable');
    await this.#post('Profiler.start');
  }

  async stop(): Promise<void> {
    const { profile } = (await this.#post('Profiler.stop')) as { profile: unknown };
    await writeFile(this.#path, JSON.stringify(profile));
  }

  #post(method: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#session.post(method, (error, result) => (error ? reject(error) : resolve(result)));
    });
  }
}

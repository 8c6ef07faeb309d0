/**
 * The load generators of one load point. One generator core feeds only about as many calls as
 * one server core handles (on loopback the sender runs the receiver's TCP stack too), so on a
 * machine with more than two cores the calls are split over several generator processes, each
 * pinned to its own CPU. On two cores there is one.
 */
import { availableParallelism } from 'node:os';
import { Child } from './child.js';
import type { GeneratorCommand, GeneratorConfig, GeneratorReport, GeneratorWindow } from './ipc.js';

type GeneratorChild = Child<GeneratorCommand, GeneratorReport>;

/** One generator per core left over by the server (CPU 0), at most four. */
export function defaultGeneratorCount(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export interface GeneratorTotals {
  sent: number;
  playAudio: number;
  otherMessages: number;
}

export class GeneratorGroup {
  readonly #children: GeneratorChild[];
  readonly #calls: number[];
  /** Calls connected, the slowest process's connect time, calls that failed to connect. */
  readonly connected: { calls: number; connectMs: number; failed: number };

  private constructor(
    children: GeneratorChild[],
    calls: number[],
    connected: GeneratorGroup['connected'],
  ) {
    this.#children = children;
    this.#calls = calls;
    this.connected = connected;
  }

  /** Starts `processes` generators sharing `calls`, and waits until every call is connected. */
  static async start(port: number, calls: number, processes = 1): Promise<GeneratorGroup> {
    const count = Math.max(1, Math.min(processes, calls));
    const shares = Array.from(
      { length: count },
      (_, k) => Math.floor(calls / count) + (k < calls % count ? 1 : 0),
    );
    const cores = availableParallelism();
    const children = shares.map((share, k) => {
      const config: GeneratorConfig = { port, calls: share };
      const child: GeneratorChild = new Child('./load-generator.js', [JSON.stringify(config)], {
        cpu: (1 + k) % cores,
      });
      return child;
    });
    try {
      const reports = await Promise.all(
        children.map((child, k) => child.next('connected', 60_000 + shares[k]! * 20)),
      );
      return new GeneratorGroup(children, shares, {
        calls: reports.reduce((n, r) => n + r.calls, 0),
        connectMs: Math.max(...reports.map((r) => r.connectMs)),
        failed: reports.reduce((n, r) => n + r.failed, 0),
      });
    } catch (error) {
      await Promise.all(children.map((child) => child.stop({ type: 'exit' })));
      throw error;
    }
  }

  send(command: GeneratorCommand): void {
    for (const child of this.#children) child.send(command);
  }

  /** Collects the window reports (after `window-end`), combined as if from one generator. */
  async window(): Promise<GeneratorWindow> {
    const windows = await Promise.all(
      this.#children.map(async (child) => (await child.next('window', 30_000)).window),
    );
    const total = this.#calls.reduce((n, c) => n + c, 0);
    const sum = (f: (w: GeneratorWindow) => number): number =>
      windows.reduce((n, w) => n + f(w), 0);
    const max = (f: (w: GeneratorWindow) => number): number => Math.max(...windows.map(f));
    return {
      wallMs: max((w) => w.wallMs),
      cpuPercent: sum((w) => w.cpuPercent),
      eventLoopP99Ms: max((w) => w.eventLoopP99Ms),
      sendLagP99Ms: max((w) => w.sendLagP99Ms),
      sendLagMaxMs: max((w) => w.sendLagMaxMs),
      lateSends: sum((w) => w.lateSends),
      sent: sum((w) => w.sent),
      playAudioRateMean:
        windows.reduce((n, w, k) => n + w.playAudioRateMean * this.#calls[k]!, 0) / total,
      playAudioRateMin: Math.min(...windows.map((w) => w.playAudioRateMin)),
    };
  }

  /** Hangs up every call and returns what was sent and received over the whole run. */
  async hangUp(): Promise<GeneratorTotals> {
    this.send({ type: 'stop' });
    const stopped = await Promise.all(this.#children.map((child) => child.next('stopped', 30_000)));
    return {
      sent: stopped.reduce((n, s) => n + s.sent, 0),
      playAudio: stopped.reduce((n, s) => n + s.playAudio, 0),
      otherMessages: stopped.reduce((n, s) => n + s.otherMessages, 0),
    };
  }

  async exit(): Promise<void> {
    await Promise.all(this.#children.map((child) => child.stop({ type: 'exit' })));
  }
}

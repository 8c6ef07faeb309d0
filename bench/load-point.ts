/**
 * One load point: a fresh server process and fresh generator processes, N calls connected,
 * media flowing, a warmup, one measurement window, then hang-up and a full frame count.
 */
import { availableParallelism } from 'node:os';
import { Child } from './child.js';
import { GeneratorGroup } from './generator-group.js';
import type {
  GeneratorWindow,
  ServerCommand,
  ServerConfig,
  ServerReport,
  ServerTotals,
  ServerWindow,
  Variant,
} from './ipc.js';
import { machineCpuPercent, readCpuTimes } from './system-load.js';

export interface LoadPointOptions {
  variant: Variant;
  calls: number;
  warmupMs: number;
  windowMs: number;
  /** Load generator processes sharing the calls (default 1). */
  generators?: number;
  /** Write a V8 CPU profile of the server process over the window into this directory. */
  profileDir?: string;
}

export interface LoadPointResult {
  variant: Variant;
  calls: number;
  /** Calls that failed to connect. */
  failedCalls: number;
  connectMs: number;
  server: ServerWindow;
  generator: GeneratorWindow;
  totals: ServerTotals;
  /** Frames the generator sent over the whole run. */
  sent: number;
  /** Sent but never handled by the server (after the drain). */
  lost: number;
  playAudioReceived: number;
  /** CPU that processes other than the server and the generator used in the window, % of a core. */
  otherCpuPercent: number | undefined;
}

export type ServerChild = Child<ServerCommand, ServerReport>;

const SERVER_CPU = 0;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts a server process and waits until it listens. */
export async function startServer(
  variant: Variant,
  options: { botSeconds: number; profilePath?: string; nodeFlags?: readonly string[] },
): Promise<{ child: ServerChild; port: number }> {
  const config: ServerConfig = {
    variant,
    botSeconds: options.botSeconds,
    ...(options.profilePath === undefined ? {} : { profilePath: options.profilePath }),
  };
  const child: ServerChild = new Child('./server-process.js', [JSON.stringify(config)], {
    cpu: SERVER_CPU,
    nodeFlags: options.nodeFlags ?? [],
  });
  const { port } = await child.next('ready', 30_000);
  return { child, port };
}

export async function runLoadPoint(options: LoadPointOptions): Promise<LoadPointResult> {
  const { variant, calls, warmupMs, windowMs } = options;
  const runSeconds = (warmupMs + windowMs) / 1000;
  const server = await startServer(variant, {
    botSeconds: Math.ceil(runSeconds + 60 + calls / 100),
    ...(options.profileDir === undefined
      ? {}
      : { profilePath: `${options.profileDir}/server-${variant}-${calls}.cpuprofile` }),
  });
  let generators: GeneratorGroup | undefined;
  try {
    generators = await GeneratorGroup.start(server.port, calls, options.generators);
    generators.send({ type: 'media-start' });
    await sleep(warmupMs);
    server.child.send({ type: 'window-start' });
    generators.send({ type: 'window-start' });
    const cpuBefore = readCpuTimes();
    await sleep(windowMs);
    const cpuAfter = readCpuTimes();
    server.child.send({ type: 'window-end' });
    generators.send({ type: 'window-end' });
    const { window: serverWindow } = await server.child.next('window', 30_000);
    const generatorWindow = await generators.window();
    const hungUp = await generators.hangUp();
    server.child.send({ type: 'drain', timeoutMs: 10_000 });
    const { totals } = await server.child.next('drained', 30_000);
    return {
      variant,
      calls,
      failedCalls: generators.connected.failed,
      connectMs: generators.connected.connectMs,
      server: serverWindow,
      generator: generatorWindow,
      totals,
      sent: hungUp.sent,
      lost: hungUp.sent - totals.frames,
      playAudioReceived: hungUp.playAudio,
      otherCpuPercent:
        cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : Math.max(
              0,
              machineCpuPercent(cpuBefore, cpuAfter, availableParallelism()) -
                serverWindow.cpuPercent -
                generatorWindow.cpuPercent,
            ),
    };
  } finally {
    await Promise.all([generators?.exit(), server.child.stop({ type: 'exit' })]);
  }
}

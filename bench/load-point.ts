/**
 * One load point: a fresh server process and a fresh generator process, N calls connected,
 * media flowing, a warmup, one measurement window, then hang-up and a full frame count.
 */
import { Child } from './child.js';
import type {
  GeneratorCommand,
  GeneratorConfig,
  GeneratorReport,
  GeneratorWindow,
  ServerCommand,
  ServerConfig,
  ServerReport,
  ServerTotals,
  ServerWindow,
  Variant,
} from './ipc.js';

export interface LoadPointOptions {
  variant: Variant;
  calls: number;
  warmupMs: number;
  windowMs: number;
  /** Write a V8 CPU profile of the server process into this directory. */
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
}

export type ServerChild = Child<ServerCommand, ServerReport>;
export type GeneratorChild = Child<GeneratorCommand, GeneratorReport>;

const SERVER_CPU = 0;
const GENERATOR_CPU = 1;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts a server process and waits until it listens. */
export async function startServer(
  variant: Variant,
  options: { botSeconds: number; nodeFlags?: readonly string[] },
): Promise<{ child: ServerChild; port: number }> {
  const config: ServerConfig = { variant, botSeconds: options.botSeconds };
  const child: ServerChild = new Child('./server-process.js', [JSON.stringify(config)], {
    cpu: SERVER_CPU,
    nodeFlags: options.nodeFlags ?? [],
  });
  const { port } = await child.next('ready', 30_000);
  return { child, port };
}

/** Starts a generator process and waits until all its calls are connected (media not yet flowing). */
export async function startGenerator(
  port: number,
  calls: number,
): Promise<{ child: GeneratorChild; connected: Extract<GeneratorReport, { type: 'connected' }> }> {
  const config: GeneratorConfig = { port, calls };
  const child: GeneratorChild = new Child('./load-generator.js', [JSON.stringify(config)], {
    cpu: GENERATOR_CPU,
  });
  const connected = await child.next('connected', 60_000 + calls * 20);
  return { child, connected };
}

export async function runLoadPoint(options: LoadPointOptions): Promise<LoadPointResult> {
  const { variant, calls, warmupMs, windowMs } = options;
  const runSeconds = (warmupMs + windowMs) / 1000;
  const profile =
    options.profileDir === undefined
      ? []
      : [
          '--cpu-prof',
          `--cpu-prof-dir=${options.profileDir}`,
          `--cpu-prof-name=server-${variant}-${calls}.cpuprofile`,
        ];
  const server = await startServer(variant, {
    botSeconds: Math.ceil(runSeconds + 60 + calls / 100),
    nodeFlags: profile,
  });
  let generator: GeneratorChild | undefined;
  try {
    const started = await startGenerator(server.port, calls);
    generator = started.child;
    generator.send({ type: 'media-start' });
    await sleep(warmupMs);
    server.child.send({ type: 'window-start' });
    generator.send({ type: 'window-start' });
    await sleep(windowMs);
    server.child.send({ type: 'window-end' });
    generator.send({ type: 'window-end' });
    const { window: serverWindow } = await server.child.next('window', 30_000);
    const { window: generatorWindow } = await generator.next('window', 30_000);
    generator.send({ type: 'stop' });
    const stopped = await generator.next('stopped', 30_000);
    server.child.send({ type: 'drain', timeoutMs: 10_000 });
    const { totals } = await server.child.next('drained', 30_000);
    return {
      variant,
      calls,
      failedCalls: started.connected.failed,
      connectMs: started.connected.connectMs,
      server: serverWindow,
      generator: generatorWindow,
      totals,
      sent: stopped.sent,
      lost: stopped.sent - totals.frames,
      playAudioReceived: stopped.playAudio,
    };
  } finally {
    await Promise.all([generator?.stop({ type: 'exit' }), server.child.stop({ type: 'exit' })]);
  }
}

/**
 * The server under test, in its own process: `node server-process.js '<ServerConfig JSON>'`.
 * It starts one variant's server, then answers the orchestrator's commands: a measurement window
 * (CPU, event-loop delay, memory, frames on time), a drain (every frame accounted for after the
 * generator hung up), a memory sample after GC (with --expose-gc), exit.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { BenchServer } from './bench-server.js';
import { FrameCheck } from './frame-check.js';
import { report, type ServerCommand, type ServerConfig } from './ipc.js';
import { startCallstream } from './server-callstream.js';
import {
  startBaseline,
  startHandWrittenEcho,
  startHandWrittenPcm,
  startHandWrittenTranscriber,
} from './server-handwritten.js';
import { WindowProfiler } from './window-profiler.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;
const check = new FrameCheck();
// 1 ms resolution: p99 at 20 ms must rest on enough samples (about 1000 a second); the sampling
// timer runs in C++ and costs the same in every variant.
const eventLoop = monitorEventLoopDelay({ resolution: 1 });
eventLoop.enable();

async function start(): Promise<BenchServer> {
  switch (config.variant) {
    case 'a':
      return startBaseline(check);
    case 'b':
      return startCallstream(check, { botSeconds: 0 });
    case 'c':
      return startCallstream(check, { botSeconds: config.botSeconds });
    case 'd':
      return startHandWrittenEcho(check);
    case 'e':
      return startCallstream(check, { botSeconds: 0, echo: true });
    case 'f':
      return startCallstream(check, { botSeconds: 0, sampleRate: 16000 });
    case 'g':
      return startHandWrittenTranscriber(check);
    case 'h':
      return startHandWrittenPcm(check);
  }
}

const server = await start();

const profiler =
  config.profilePath === undefined ? undefined : new WindowProfiler(config.profilePath);
let windowCpu = process.cpuUsage();
let windowStart = performance.now();

const ms = (ns: number): number => ns / 1e6;
const sleep = (delay: number): Promise<void> => new Promise((r) => setTimeout(r, delay));

async function handle(command: ServerCommand): Promise<void> {
  switch (command.type) {
    case 'window-start':
      await profiler?.start();
      eventLoop.reset();
      check.startWindow();
      windowCpu = process.cpuUsage();
      windowStart = performance.now();
      return;
    case 'window-end': {
      const cpu = process.cpuUsage(windowCpu);
      const wallMs = performance.now() - windowStart;
      const frames = check.endWindow();
      await profiler?.stop();
      report({
        type: 'window',
        window: {
          wallMs,
          cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
          eventLoopP50Ms: ms(eventLoop.percentile(50)),
          eventLoopP99Ms: ms(eventLoop.percentile(99)),
          eventLoopMaxMs: ms(eventLoop.max),
          rssBytes: process.memoryUsage.rss(),
          heapUsedBytes: process.memoryUsage().heapUsed,
          ...frames,
        },
      });
      return;
    }
    case 'drain': {
      const deadline = performance.now() + command.timeoutMs;
      while (server.openCalls() > 0 && performance.now() < deadline) await sleep(20);
      report({ type: 'drained', totals: check.totals(server.openCalls()) });
      return;
    }
    case 'memory': {
      // Twice: the first pass can leave garbage that finalizers only freed during it.
      globalThis.gc?.();
      globalThis.gc?.();
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      report({
        type: 'memory',
        memory: { rss, heapUsed, external, arrayBuffers, startedCalls: server.startedCalls() },
      });
      return;
    }
    case 'exit':
      await server.close();
      process.disconnect();
      process.exit(0);
  }
}

process.on('message', (command) => void handle(command as ServerCommand));
report({ type: 'ready', port: server.port });

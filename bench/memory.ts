/**
 * Memory per stream: a server process (with --expose-gc) is sampled after GC three times:
 * empty, with N calls connected and started but silent (idle), and with media flowing to an
 * iterator consumer per call (active; for (c) the bot plays too). Bytes per stream =
 * (sample - empty) / N, both as JS heap + external memory (what the streams hold) and as RSS
 * (what the process costs the machine, allocator slack included).
 */
import type { MemorySample, Variant } from './ipc.js';
import { GeneratorGroup } from './generator-group.js';
import { sleep, startServer, type ServerChild } from './load-point.js';

export interface BytesPerStream {
  /** (heapUsed + external) delta / N. */
  heap: number;
  rss: number;
}

export interface MemoryResult {
  variant: Variant;
  calls: number;
  empty: MemorySample;
  idle: MemorySample;
  active: MemorySample;
  idlePerStream: BytesPerStream;
  activePerStream: BytesPerStream;
}

async function sample(server: ServerChild): Promise<MemorySample> {
  server.send({ type: 'memory' });
  return (await server.next('memory', 30_000)).memory;
}

function perStream(from: MemorySample, to: MemorySample, calls: number): BytesPerStream {
  return {
    heap: (to.heapUsed + to.external - from.heapUsed - from.external) / calls,
    rss: (to.rss - from.rss) / calls,
  };
}

export async function runMemory(
  variant: Variant,
  calls: number,
  settleMs: number,
): Promise<MemoryResult> {
  const server = await startServer(variant, { botSeconds: 600, nodeFlags: ['--expose-gc'] });
  try {
    const empty = await sample(server.child);
    const generator = await GeneratorGroup.start(server.port, calls);
    const connected = generator.connected.calls;
    try {
      let idle = await sample(server.child);
      for (let tries = 0; idle.startedCalls < connected && tries < 100; tries++) {
        await sleep(100);
        idle = await sample(server.child);
      }
      generator.send({ type: 'media-start' });
      await sleep(settleMs);
      const active = await sample(server.child);
      return {
        variant,
        calls: connected,
        empty,
        idle,
        active,
        idlePerStream: perStream(empty, idle, connected),
        activePerStream: perStream(empty, active, connected),
      };
    } finally {
      await generator.exit();
    }
  } finally {
    await server.child.stop({ type: 'exit' });
  }
}

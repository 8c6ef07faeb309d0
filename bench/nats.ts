/**
 * `pnpm bench:nats`: what bridging calls over NATS adds, against the same calls without it, in
 * one run. Two variants of the edge process take the same load (N real-time mu-law calls from a
 * fake platform in this process):
 *
 * - `local`: the bot (nats-bot.ts) runs in the edge process, on the CallStream;
 * - `bridged`: the edge runs `bridgeCalls`, the same bot runs in a worker process on the RemoteCall.
 *
 * Measured: the edge process's CPU per call; the reaction round trip (the platform sends frame k,
 * the bot answers it with `playAudio`, the platform receives the answer's checkpoint: edge →
 * worker → edge for the bridged variant), on the platform's clock; and how long the bot's
 * `playAudio` takes to settle `played` (the platform acknowledges at once), on the bot's clock.
 * See README.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { loadCore } from './deps.js';
import { REACT_EVERY } from './nats-bot.js';
import { startNatsServer } from './nats-server.js';
import { syntheticVoice } from './synthetic-voice.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '8' },
    quick: { type: 'boolean', default: false },
  },
});
const CALLS = values.quick ? 20 : Number(values.calls);
const WINDOW_MS = (values.quick ? 3 : Number(values.seconds)) * 1000;
const WARMUP_MS = 2000;

const core = await loadCore();
const mulaw = core.encodeMulaw(syntheticVoice(1, 8000));
const payloads: string[] = [];
for (let at = 0; at + 160 <= mulaw.length; at += 160) {
  payloads.push(Buffer.from(mulaw.subarray(at, at + 160)).toString('base64'));
}

type Msg = { type: string } & Record<string, unknown>;

function child(
  script: string,
  config: object,
): { proc: ChildProcess; next: (type: string) => Promise<Msg> } {
  const proc = fork(fileURLToPath(new URL(script, import.meta.url)), [JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queue: Msg[] = [];
  const waiters: { type: string; resolve: (m: Msg) => void }[] = [];
  proc.on('message', (m: Msg) => {
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(m);
    else queue.push(m);
  });
  const next = (type: string): Promise<Msg> => {
    const i = queue.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0] as Msg);
    return new Promise((resolve) => waiters.push({ type, resolve }));
  };
  return { proc, next };
}

function percentiles(values: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number =>
    sorted.length === 0
      ? 0
      : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
  return { p50: at(50), p99: at(99), n: sorted.length };
}

interface VariantResult {
  variant: 'local' | 'bridged';
  calls: number;
  cpuMsPerSecond: number;
  cpuPercent: number;
  reactionMs: { p50: number; p99: number; n: number };
  settleMs: { p50: number; p99: number; n: number };
  edgeStats?: unknown;
}

/** N calls from a fake platform: paced frames, reaction times, immediate playedStream acks. */
async function platform(
  port: number,
  onWindow: { start: () => Promise<void>; end: () => Promise<void> },
): Promise<number[]> {
  const reactions: number[] = [];
  let measuring = false;
  const calls = await Promise.all(
    Array.from({ length: CALLS }, async () => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/stream`, { perMessageDeflate: false });
      await once(socket, 'open');
      const streamId = randomUUID();
      const sent = new Map<number, number>();
      socket.on('message', (data: Buffer) => {
        const text = data.toString();
        if (!text.includes('"checkpoint"')) return;
        const msg = JSON.parse(text) as { event: string; name: string };
        if (msg.event !== 'checkpoint') return;
        const chunk = Number(msg.name.slice(2));
        const t = sent.get(chunk);
        sent.delete(chunk);
        if (measuring && t !== undefined) reactions.push(performance.now() - t);
        socket.send(core.serializePlayedStream({ streamId, name: msg.name }));
      });
      socket.send(
        core.serializeStart({
          callId: randomUUID(),
          streamId,
          tracks: ['inbound'],
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
        }),
      );
      return { socket, streamId, sent, chunk: 0 };
    }),
  );
  // One 20 ms timer for every call, the calls spread over the period.
  const t0 = performance.now();
  let tick = 0;
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - t0) / 20);
    while (tick <= due) {
      for (const call of calls) {
        call.chunk++;
        const chunk = call.chunk;
        if (chunk % REACT_EVERY === 0) call.sent.set(chunk, performance.now());
        call.socket.send(
          core.serializeMedia({
            sequenceNumber: chunk,
            streamId: call.streamId,
            track: 'inbound',
            timestamp: Date.now(),
            chunk,
            payload: payloads[chunk % payloads.length] as string,
          }),
        );
      }
      tick++;
    }
  }, 5);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  await onWindow.start();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  await onWindow.end();
  measuring = false;
  clearInterval(timer);
  for (const call of calls) call.socket.close(1000);
  return reactions;
}

async function run(variant: 'local' | 'bridged', natsUrl: string): Promise<VariantResult> {
  const prefix = `bench${process.pid}${variant}`;
  const edge = child('./nats-edge.js', { mode: variant, natsUrl, prefix });
  const worker = variant === 'bridged' ? child('./nats-worker.js', { natsUrl, prefix }) : undefined;
  if (worker !== undefined) await worker.next('ready');
  const { port } = (await edge.next('ready')) as Msg & { port: number };
  let cpu: Msg & { userMs: number; systemMs: number; wallMs: number; stats?: unknown } = {
    type: 'cpu',
    userMs: 0,
    systemMs: 0,
    wallMs: 1,
  };
  const reactions = await platform(port, {
    start: async () => {
      edge.proc.send({ type: 'cpu-start' });
      await edge.next('cpu-started');
    },
    end: async () => {
      edge.proc.send({ type: 'cpu-end' });
      cpu = (await edge.next('cpu')) as typeof cpu;
    },
  });
  const bot = worker ?? edge;
  bot.proc.send({ type: 'bot' });
  const { settleMs } = (await bot.next('bot')) as Msg & { settleMs: number[] };
  for (const p of [edge, worker]) {
    if (p === undefined) continue;
    p.proc.send({ type: 'stop' });
    await once(p.proc, 'exit');
  }
  const cpuMs = cpu.userMs + cpu.systemMs;
  return {
    variant,
    calls: CALLS,
    cpuMsPerSecond: (cpuMs / cpu.wallMs) * 1000,
    cpuPercent: (cpuMs / cpu.wallMs) * 100,
    reactionMs: percentiles(reactions),
    settleMs: percentiles(settleMs),
    edgeStats: cpu.stats,
  };
}

const nats = await startNatsServer();
try {
  console.error(
    `nats bench: ${CALLS} calls, ${WINDOW_MS / 1000} s window after ${WARMUP_MS / 1000} s warmup`,
  );
  const local = await run('local', nats.url);
  const bridged = await run('bridged', nats.url);
  const f = (n: number, d = 2): string => n.toFixed(d);
  const perCall = (r: VariantResult): number => (r.cpuMsPerSecond / r.calls) * 1000; // µs of CPU per call-second
  const rows = [local, bridged].map(
    (r) =>
      `| ${r.variant} | ${r.calls} | ${f(r.cpuPercent, 1)} % | ${f(perCall(r), 0)} | ${f(r.reactionMs.p50)} | ${f(r.reactionMs.p99)} | ${f(r.settleMs.p50)} | ${f(r.settleMs.p99)} |`,
  );
  const added = `| added by the bridge | | ${f(bridged.cpuPercent - local.cpuPercent, 1)} % | ${f(perCall(bridged) - perCall(local), 0)} | ${f(bridged.reactionMs.p50 - local.reactionMs.p50)} | ${f(bridged.reactionMs.p99 - local.reactionMs.p99)} | ${f(bridged.settleMs.p50 - local.settleMs.p50)} | ${f(bridged.settleMs.p99 - local.settleMs.p99)} |`;
  console.log(
    [
      '## NATS bridge: what it adds on the edge',
      '',
      '| edge | calls | edge CPU | edge CPU µs per call-second | frame → reaction p50 ms | p99 ms | playAudio → played p50 ms | p99 ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      added,
      '',
    ].join('\n'),
  );
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}nats.json`, `${JSON.stringify({ local, bridged }, null, 2)}\n`);
  console.log('Results: bench/results/nats.json');
} finally {
  await nats.stop();
}

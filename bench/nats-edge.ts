/**
 * The edge of the NATS bench, in its own process: `node nats-edge.js '<config JSON>'`. A stream
 * server that runs the bot itself (`local`) or bridges its calls to NATS (`bridged`). IPC:
 * `ready` { port }; `cpu-start` / `cpu-end` → `cpu` { userMs, systemMs, wallMs }; `bot` → `bot`
 * { settleMs }; `stop`.
 */
import { connect } from '@nats-io/transport-node';
import type * as Nats from '../packages/nats/dist/index.js';
import { loadCore } from './deps.js';
import { reactorBot } from './nats-bot.js';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  mode: 'local' | 'bridged';
  natsUrl: string;
  prefix: string;
};
const { createStreamServer } = await loadCore();
const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
const settleMs: number[] = [];
let bridge: Nats.Bridge | undefined;
if (config.mode === 'local') {
  server.on('stream', (stream) => void reactorBot(stream, settleMs));
} else {
  const nats = (await import(
    new URL('../../packages/nats/dist/index.js', import.meta.url).href
  )) as typeof Nats;
  const nc = await connect({ servers: config.natsUrl });
  bridge = nats.bridgeCalls(server, nc, { prefix: config.prefix });
}
const { port } = await server.listen();
const send = (m: Record<string, unknown>): void => void process.send?.(m);
send({ type: 'ready', port });

let cpu = process.cpuUsage();
let wall = performance.now();
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu-start') {
    cpu = process.cpuUsage();
    wall = performance.now();
    send({ type: 'cpu-started' });
  } else if (m.type === 'cpu-end') {
    const used = process.cpuUsage(cpu);
    send({
      type: 'cpu',
      userMs: used.user / 1000,
      systemMs: used.system / 1000,
      wallMs: performance.now() - wall,
      stats: bridge?.stats,
    });
  } else if (m.type === 'bot') {
    send({ type: 'bot', settleMs });
  } else if (m.type === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});

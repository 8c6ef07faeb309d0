/**
 * The worker of the NATS bench, in its own process: `node nats-worker.js '<config JSON>'`. Runs
 * the bench bot on every call it takes. IPC: `ready`; `bot` → `bot` { settleMs }; `stop`.
 */
import { connect } from '@nats-io/transport-node';
import type * as Nats from '../packages/nats/dist/index.js';
import { reactorBot } from './nats-bot.js';

const config = JSON.parse(process.argv[2] ?? '{}') as { natsUrl: string; prefix: string };
const nats = (await import(
  new URL('../../packages/nats/dist/index.js', import.meta.url).href
)) as typeof Nats;
const nc = await connect({ servers: config.natsUrl });
const calls = nats.subscribeCalls(nc, { prefix: config.prefix, queue: 'bench' });
await nc.flush();
const settleMs: number[] = [];
const send = (m: Record<string, unknown>): void => void process.send?.(m);
send({ type: 'ready' });
process.on('message', (m: { type: string }) => {
  if (m.type === 'bot') send({ type: 'bot', settleMs });
  else if (m.type === 'stop') process.exit(0);
});
for await (const call of calls) void reactorBot(call, settleMs);

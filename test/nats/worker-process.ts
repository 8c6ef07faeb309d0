/**
 * A worker process of the NATS tests: takes calls from the pool and runs a test bot on each.
 * IPC: sends `ready`, `call` { callId, session, worker }, `report` { report, stats }; takes `stop`.
 */
import { connect } from '@nats-io/transport-node';
import { subscribeCalls } from '@callstream/nats';
import { testBot, type BotOptions } from './bots.js';

const env = process.env;
const send = (m: Record<string, unknown>): void => void process.send?.(m);
const worker = env.WORKER_ID ?? `worker-${process.pid}`;
const bot = JSON.parse(env.BOT ?? '{"script":"listen"}') as BotOptions;

const nc = await connect({
  servers: env.NATS_URL,
  maxReconnectAttempts: -1,
  reconnectTimeWait: 100,
  pingInterval: 1_000,
});
const calls = subscribeCalls(nc, {
  prefix: env.PREFIX ?? 'callstream',
  queue: 'bots',
  workerId: worker,
  edgeTimeoutMs: Number(env.EDGE_TIMEOUT_MS ?? 3000),
  ...(env.WIRE_RATE !== undefined && { sampleRate: Number(env.WIRE_RATE) }),
});
await nc.flush();
send({ type: 'ready', worker });

process.on('message', (m: { type: string }) => {
  if (m.type === 'stop') {
    void (async () => {
      await calls.close();
      await nc.drain();
      process.exit(0);
    })();
  }
});

for await (const call of calls) {
  send({
    type: 'call',
    callId: call.callId,
    session: call.session,
    worker,
    wireRate: call.wireRate,
  });
  void testBot(call, bot).then((report) =>
    send({ type: 'report', worker, report, stats: call.stats }),
  );
}

/**
 * A worker: takes calls from the pool and runs the voice bot of examples/voice-bot on each, the
 * same function that runs on a local CallStream there. Run as many as you like, on any machine
 * that reaches NATS (`pnpm worker`). Prints one JSON line per call when it ends.
 *
 * Environment: NATS_URL (default nats://127.0.0.1:4222), PREFIX (default callstream),
 * MAX_CALLS (default unlimited), WORKER_ID (default hostname-pid).
 */
import { startWorker } from './pool.js';

const env = process.env;
const workerId = env.WORKER_ID;
const handle = await startWorker({
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  worker: {
    prefix: env.PREFIX ?? 'callstream',
    ...(env.MAX_CALLS !== undefined && { maxCalls: Number(env.MAX_CALLS) }),
    ...(workerId !== undefined && { workerId }),
  },
  onReport: (report, call) => console.log(JSON.stringify({ type: 'report', ...call, report })),
});
console.log(JSON.stringify({ type: 'ready', worker: workerId ?? '' }));
const stop = (): void => void handle.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

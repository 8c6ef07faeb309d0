/**
 * The edge: holds the platform's WebSocket connections and bridges every call to the worker pool
 * over NATS. Run one per host that faces the platform (`pnpm edge`); it runs no bot code.
 *
 * Environment: NATS_URL (default nats://127.0.0.1:4222), PORT (default 8080), HOST (default
 * 127.0.0.1), PREFIX (default callstream).
 */
import { startEdge } from './pool.js';

const env = process.env;
const edge = await startEdge({
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  port: Number(env.PORT ?? 8080),
  host: env.HOST ?? '127.0.0.1',
  bridge: { prefix: env.PREFIX ?? 'callstream' },
});
console.log(JSON.stringify({ type: 'ready', port: edge.port }));
const stop = (): void => void edge.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

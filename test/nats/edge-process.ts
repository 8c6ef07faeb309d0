/**
 * An edge process of the NATS tests: a stream server whose calls are bridged to NATS.
 * Config from the environment; IPC: sends `ready` { port }, `log` lines, `stats`; takes `stats`, `stop`.
 */
import { connect } from '@nats-io/transport-node';
import { createStreamServer, type Logger } from '@callstream/core';
import { bridgeCalls } from '@callstream/nats';

const env = process.env;
const send = (m: Record<string, unknown>): void => void process.send?.(m);

function ipcLogger(bindings: Record<string, unknown>): Logger {
  const line =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      if (level === 'trace' || level === 'debug') return;
      const fields = typeof obj === 'string' ? {} : obj;
      send({ type: 'log', level, bindings, fields, msg: typeof obj === 'string' ? obj : msg });
    };
  return {
    trace: line('trace'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (more) => ipcLogger({ ...bindings, ...more }),
  };
}

const nc = await connect({
  servers: env.NATS_URL,
  maxReconnectAttempts: -1,
  reconnectTimeWait: 100,
  pingInterval: 1_000,
});
const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
const bridge = bridgeCalls(server, nc, {
  prefix: env.PREFIX ?? 'callstream',
  heartbeatMs: Number(env.HEARTBEAT_MS ?? 1000),
  workerTimeoutMs: Number(env.WORKER_TIMEOUT_MS ?? 3000),
  offerTimeoutMs: Number(env.OFFER_TIMEOUT_MS ?? 2000),
  bufferMs: Number(env.BUFFER_MS ?? 2000),
  logger: ipcLogger({ process: 'edge' }),
});
const { port } = await server.listen();
send({ type: 'ready', port });

process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') {
    const calls = [...bridge.calls.values()].map((c) => ({
      callId: c.stream.callId,
      worker: c.worker,
      stats: c.stats,
    }));
    send({ type: 'stats', stats: bridge.stats, calls });
  } else if (m.type === 'stop') {
    void (async () => {
      await server.close();
      await bridge.close();
      await nc.drain();
      process.exit(0);
    })();
  }
});

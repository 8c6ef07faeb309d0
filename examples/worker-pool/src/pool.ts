/**
 * The two halves of the worker pool: {@link startEdge} (the sockets) and {@link startWorker}
 * (the bots). `edge.ts` and `worker.ts` run them as processes.
 */
import { createStreamServer, type StreamServer } from '@callstream/core';
import { runVoiceBot, type BotReport } from '@callstream/example-voice-bot/bot';
import { head, loadAsset, SHORT_SCRIPT } from '@callstream/example-voice-bot/script';
import {
  bridgeCalls,
  subscribeCalls,
  type Bridge,
  type BridgeOptions,
  type CallSubscription,
  type WorkerOptions,
} from '@callstream/nats';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface Edge {
  server: StreamServer;
  bridge: Bridge;
  nc: NatsConnection;
  port: number;
  close(): Promise<void>;
}

/** Starts a stream server on `port` and bridges its calls to the pool behind `natsUrl`. */
export async function startEdge(options: {
  natsUrl: string;
  port?: number;
  host?: string;
  bridge?: BridgeOptions;
}): Promise<Edge> {
  // Reconnect for ever: a NATS restart is ridden out, calls included.
  const nc = await connect({ servers: options.natsUrl, maxReconnectAttempts: -1 });
  const server = createStreamServer({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    path: '/stream',
  });
  const bridge = bridgeCalls(server, nc, { prefix: 'callstream', ...options.bridge });
  const { port } = await server.listen();
  return {
    server,
    bridge,
    nc,
    port,
    async close() {
      await server.close();
      await bridge.close();
      await nc.drain();
    },
  };
}

export interface WorkerHandle {
  calls: CallSubscription;
  /** Stops taking calls, lets the running ones end, closes the connection. */
  close(): Promise<void>;
}

/** Joins the pool behind `natsUrl` and runs the voice bot on every call it takes. */
export async function startWorker(options: {
  natsUrl: string;
  worker?: WorkerOptions;
  onReport?: (report: BotReport, call: { callId: string; worker: string }) => void;
}): Promise<WorkerHandle> {
  const nc = await connect({ servers: options.natsUrl, maxReconnectAttempts: -1 });
  const greeting = head(await loadAsset('greeting.wav'), SHORT_SCRIPT.greetingMs);
  const calls = subscribeCalls(nc, {
    prefix: 'callstream',
    queue: 'voice-bots',
    ...options.worker,
  });
  const worker = options.worker?.workerId ?? '';
  const running = new Set<Promise<void>>();
  const loop = (async () => {
    for await (const call of calls) {
      const done = runVoiceBot(call, { greeting, echoMs: SHORT_SCRIPT.echoMs }).then(
        (report) => options.onReport?.(report, { callId: call.callId, worker }),
        (err: unknown) => call.log.error({ err }, 'the bot failed'),
      );
      running.add(done);
      void done.then(() => running.delete(done));
    }
  })();
  await nc.flush(); // the queue subscription is registered: offers reach this worker from now on
  return {
    calls,
    async close() {
      await calls.close();
      await loop;
      await Promise.all(running);
      await nc.drain();
    },
  };
}

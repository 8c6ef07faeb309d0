/**
 * One real nats-server per test file: started before the file's tests (installed on first use,
 * see bench/nats-server.ts), stopped after them, and connections that close when their test
 * finishes.
 */
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { INSTALL_TIMEOUT_MS, startNatsServer, type NatsServer } from '../../bench/nats-server.js';

export interface NatsFixture {
  /** The server's URL (read it inside a test or hook: the server starts in `beforeAll`). */
  readonly url: string;
  /** Kills the server and starts it again on the same port (see {@link NatsServer.restart}). */
  restart(downMs?: number): Promise<void>;
  /** A connection to the server, closed when the current test finishes. */
  connect(options?: Omit<ConnectionOptions, 'servers'>): Promise<NatsConnection>;
}

/** Registers the hooks that start and stop this file's nats-server (with JetStream when asked). */
export function useNatsServer(options: { jetstream?: boolean } = {}): NatsFixture {
  let server: NatsServer | undefined;
  beforeAll(async () => {
    server = await startNatsServer(options);
  }, INSTALL_TIMEOUT_MS);
  afterAll(() => server?.stop());
  const running = (): NatsServer => {
    if (server === undefined) throw new Error('nats-server is not running (use it inside tests)');
    return server;
  };
  return {
    get url() {
      return running().url;
    },
    restart: (downMs) => running().restart(downMs),
    async connect(connectOptions = {}) {
      const nc = await connect({ ...connectOptions, servers: running().url });
      onTestFinished(async () => {
        if (!nc.isClosed()) await nc.close();
      });
      return nc;
    },
  };
}

import type { WebSocketServer } from 'ws';

/** What the server process needs from each variant's server. */
export interface BenchServer {
  readonly port: number;
  /** Connections not yet closed. */
  openCalls(): number;
  /** Open connections that have sent `start`. */
  startedCalls(): number;
  close(): Promise<void>;
}

/** The {@link BenchServer} of a listening `ws` server, with its variant's two call counts. */
export function wsBenchServer(
  wss: WebSocketServer,
  openCalls: () => number,
  startedCalls: () => number,
): BenchServer {
  const address = wss.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    port: address.port,
    openCalls,
    startedCalls,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

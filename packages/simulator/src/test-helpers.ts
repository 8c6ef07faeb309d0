/**
 * Test support (not built into dist): a minimal `ws` server that records what a simulated call
 * sends. Deliberately not callstream's server, so the wire output is checked independently.
 */
import type { IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

/** A decoded JSON message the simulator sent, with its arrival time (performance.now()). */
export type Received = Record<string, any> & { arrivedAt: number }; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Peer {
  socket: WebSocket;
  req: IncomingMessage;
  messages: Received[];
  /** Resolves with the first message matching `predicate` (already received or later). */
  next(predicate: (m: Received) => boolean): Promise<Received>;
  closed: Promise<{ code: number; reason: string }>;
}

export interface TestServer {
  url: string;
  /** Resolves with the first connection. */
  peer: Promise<Peer>;
  close(): Promise<void>;
}

/** Starts a WebSocket server on 127.0.0.1, port 0; `onPeer` runs for each connection. */
export async function startTestServer(
  onPeer: (peer: Peer) => void = () => {},
  path = '/stream',
): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  let resolvePeer!: (peer: Peer) => void;
  const peer = new Promise<Peer>((resolve) => (resolvePeer = resolve));
  wss.on('connection', (socket, req) => {
    const messages: Received[] = [];
    const waiters: { predicate: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];
    socket.on('message', (data) => {
      const message = { ...JSON.parse(data.toString()), arrivedAt: performance.now() } as Received;
      messages.push(message);
      for (const w of [...waiters]) {
        if (w.predicate(message)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const p: Peer = {
      socket,
      req,
      messages,
      closed,
      next: (predicate) => {
        const found = messages.find(predicate);
        if (found) return Promise.resolve(found);
        return new Promise((resolve) => waiters.push({ predicate, resolve }));
      },
    };
    onPeer(p);
    resolvePeer(p);
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}${path}`,
    peer,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** A ramp 1, 2, 3, ... of `length` samples (never 0, so it stands out from silence). */
export function ramp(length: number, from = 1): Int16Array {
  return Int16Array.from({ length }, (_, i) => from + i);
}

/** Index of `needle` inside `haystack`, or -1. */
export function indexOfSamples(haystack: Int16Array, needle: Int16Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** An `io` for the CLI's `main` that keeps what it writes to stdout and stderr. */
export function capture(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

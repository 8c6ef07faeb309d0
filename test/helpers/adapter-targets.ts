import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  createStreamServer,
  type CallStream,
  type StreamOptions,
  type StreamRegistry,
} from '@callstream/core';
import { pathnameOf } from '@callstream/core/internal';
import { attachStreamServer } from '@callstream/http';
// Express and Fastify are dependencies of the example apps, not of the repository root: the
// express and fastify targets are those apps (their stream handler swapped for the suite's).
import { start as startExpressBot } from '../../examples/express-bot/src/app.js';
import { createApp as createFastifyBot } from '../../examples/fastify-bot/src/app.js';

/** What every target is given: the suite's handlers (on the raw request) and stream options. */
export interface TargetOptions extends StreamOptions {
  authenticate?: (request: IncomingMessage) => boolean | Promise<boolean>;
  authTimeoutMs?: number;
  onStream?: (stream: CallStream) => unknown;
  /** A path where another WebSocket server (an echo) shares the port; adapters only. */
  neighbour?: string;
}

/** A running server that serves streams on `/stream`. */
export interface Target {
  readonly port: number;
  url(path?: string): string;
  readonly streams: ReadonlyMap<string, CallStream>;
  /** The registry the target exposes (the server, the adapter's return value, `app.callstream`). */
  readonly registry: StreamRegistry<unknown>;
  /** The target's own shutdown (server.close(), the adapter's close(), app.close()). */
  close(): Promise<void>;
}

export interface TargetFactory {
  name: 'standalone' | 'http' | 'express' | 'fastify';
  /** Whether another WebSocket server can share the port (the standalone server owns its port). */
  sharesPort: boolean;
  create(options: TargetOptions): Promise<Target>;
}

export const STREAM_PATH = '/stream';

function target(
  port: number,
  registry: StreamRegistry<unknown>,
  shutdown: () => Promise<void>,
): Target {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= shutdown());
  onTestFinished(close);
  return {
    port,
    url: (path = STREAM_PATH) => `ws://127.0.0.1:${port}${path}`,
    get streams() {
      return registry.streams;
    },
    registry,
    close,
  };
}

/** An echo WebSocket server in noServer mode that takes upgrades for `path` only. */
function echoNeighbour(path: string): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({ noServer: true });
  onTestFinished(() => wss.close());
  return (req, socket, head) => {
    if (pathnameOf(req) !== path) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  };
}

const standalone: TargetFactory = {
  name: 'standalone',
  sharesPort: false,
  async create({ onStream, neighbour, ...options }) {
    if (neighbour !== undefined) throw new Error('the standalone server does not share its port');
    const server = createStreamServer({
      host: '127.0.0.1',
      port: 0,
      path: STREAM_PATH,
      ...options,
    });
    if (onStream) server.on('stream', (stream) => onStream(stream));
    const { port } = await server.listen();
    return target(port, server, () => server.close());
  },
};

const http: TargetFactory = {
  name: 'http',
  sharesPort: true,
  async create({ onStream, neighbour, ...options }) {
    const server = createServer((_req, res) => res.writeHead(404).end());
    const attached = attachStreamServer(server, { path: STREAM_PATH, onStream, ...options });
    if (neighbour !== undefined) server.on('upgrade', echoNeighbour(neighbour));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return target(port, attached, async () => {
      await attached.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  },
};

const express: TargetFactory = {
  name: 'express',
  sharesPort: true,
  async create({ onStream, neighbour, ...options }) {
    // Without an onStream of the suite's, no handler at all (not the example's echo bot).
    const bot = await startExpressBot({
      path: STREAM_PATH,
      onStream: onStream ?? (() => {}),
      ...options,
    });
    if (neighbour !== undefined) bot.server.on('upgrade', echoNeighbour(neighbour));
    return target(bot.port, bot.streams, () => bot.close());
  },
};

const fastify: TargetFactory = {
  name: 'fastify',
  sharesPort: true,
  async create({ onStream, neighbour, authenticate, ...options }) {
    const app = await createFastifyBot({
      path: STREAM_PATH,
      callstream: {
        ...options,
        onStream: (stream) => onStream?.(stream),
        ...(authenticate && { authenticate: (request) => authenticate(request.raw) }),
      },
    });
    if (neighbour !== undefined) {
      app.get(neighbour, { websocket: true }, (socket) => {
        socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
      });
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return target(port, app.callstream, () => app.close());
  },
};

/** The four ways to serve streams; the shared suite runs the same calls against each. */
export const TARGETS: readonly TargetFactory[] = [standalone, http, express, fastify];

/** Starts a target whose `onStream` hands each started stream, in order, to `next()`. */
export async function serveStreams(
  target: TargetFactory,
  options: TargetOptions = {},
): Promise<{ server: Target; next: () => Promise<CallStream> }> {
  const queue: CallStream[] = [];
  const waiting: ((s: CallStream) => void)[] = [];
  const server = await target.create({
    ...options,
    onStream: (stream) => {
      const waiter = waiting.shift();
      if (waiter) waiter(stream);
      else queue.push(stream);
      return options.onStream?.(stream);
    },
  });
  const next = (): Promise<CallStream> =>
    new Promise((resolve) => {
      const ready = queue.shift();
      if (ready) resolve(ready);
      else waiting.push(resolve);
    });
  return { server, next };
}

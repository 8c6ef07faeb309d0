import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyPlivoSignature } from '@callstream/core';
import {
  attachStreamServer,
  type AttachedStreamServer,
  type AttachOptions,
} from '@callstream/http';
import express, { type Express } from 'express';
import { echoBot } from './echo-bot.js';

export interface ExpressBotOptions extends AttachOptions {
  /** Plivo auth token. When set (and `authenticate` is not), upgrades must carry a valid signature. */
  authToken?: string;
  /** The origin the platform dials, e.g. `'wss://bot.example.com'`, for signature checks behind a proxy. */
  publicUrl?: string;
}

export interface ExpressBot {
  app: Express;
  server: Server;
  streams: AttachedStreamServer;
}

/**
 * Builds an Express app and its http server with callstream attached on `path` (default
 * `'/stream'`), running {@link echoBot} unless `onStream` says otherwise. Express serves the
 * plain HTTP routes; the stream upgrades never reach it.
 */
export function createApp(options: ExpressBotOptions = {}): ExpressBot {
  const { authToken, publicUrl, ...attach } = options;
  const app = express();
  const server = createServer(app);
  const streams = attachStreamServer(server, {
    path: '/stream',
    onStream: echoBot,
    ...(authToken !== undefined && {
      authenticate: (req) => verifyPlivoSignature(req, { authToken, publicUrl }),
    }),
    ...attach,
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', calls: streams.streams.size });
  });
  app.get('/calls', (_req, res) => {
    res.json(
      [...streams.streams.values()].map((s) => ({ callId: s.callId, streamId: s.streamId })),
    );
  });
  return { app, server, streams };
}

/** Creates the app and listens; `close()` ends the live calls (1001), then the server. */
export async function start(
  options: ExpressBotOptions & { port?: number; host?: string } = {},
): Promise<ExpressBot & { port: number; close(): Promise<void> }> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const bot = createApp(rest);
  await new Promise<void>((resolve, reject) => {
    bot.server.once('error', reject);
    bot.server.listen(port, host, () => {
      bot.server.off('error', reject);
      resolve();
    });
  });
  const close = async (): Promise<void> => {
    await bot.streams.close();
    await new Promise<void>((resolve) => bot.server.close(() => resolve()));
  };
  return { ...bot, port: (bot.server.address() as AddressInfo).port, close };
}

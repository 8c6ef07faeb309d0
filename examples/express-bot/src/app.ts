import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isCallstreamError, verifyPlivoSignature } from '@callstream/core';
import { streamXml, type StreamStatusEvent } from '@callstream/control';
import {
  attachStreamServer,
  streamStatusMiddleware,
  type AttachedStreamServer,
  type AttachOptions,
} from '@callstream/http';
import express, { type Express } from 'express';
import { echoBot } from './echo-bot.js';

export interface ExpressBotOptions extends AttachOptions {
  /**
   * Plivo auth token. When set, upgrades (unless `authenticate` is given) and status callbacks
   * must carry a valid signature.
   */
  authToken?: string;
  /**
   * The origin the platform dials, e.g. `'wss://bot.example.com'`: the answer XML's stream URL,
   * its https form for the status callbacks, and signature checks behind a proxy. Default: taken
   * from each request's Host header.
   */
  publicUrl?: string;
  /** Called with each verified status callback. Default: none. */
  onStatus?: (event: StreamStatusEvent) => unknown;
}

/** The route the answer XML names as `statusCallbackUrl`. */
export const STATUS_PATH = '/stream-status';

/** `wss://host` → `https://host`, `ws://host` → `http://host`: where the platform posts callbacks. */
export function httpOrigin(wsOrigin: string): string {
  return wsOrigin.replace(/^ws(s?):/i, 'http$1:').replace(/\/+$/, '');
}

export interface ExpressBot {
  app: Express;
  server: Server;
  streams: AttachedStreamServer;
}

/**
 * Builds an Express app and its http server with callstream attached on `path` (default
 * `'/stream'`), running {@link echoBot} unless `onStream` says otherwise. Express serves the
 * plain HTTP routes (the answer XML, the status callbacks, health); the stream upgrades never
 * reach it.
 */
export function createApp(options: ExpressBotOptions = {}): ExpressBot {
  const { authToken, publicUrl, onStatus = () => {}, ...attach } = options;
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

  const paths = attach.path ?? '/stream';
  const streamPath =
    typeof paths === 'string' ? paths : Array.isArray(paths) ? paths[0] : '/stream';
  app.all('/answer', (req, res) => {
    const origin = publicUrl ?? `ws://${req.headers.host ?? ''}`;
    try {
      const xml = streamXml(`${origin}${streamPath}`, {
        bidirectional: true,
        keepCallAlive: true,
        contentType: 'audio/x-l16;rate=16000',
        statusCallbackUrl: `${httpOrigin(origin)}${STATUS_PATH}`,
      });
      res.type('application/xml').send(xml);
    } catch (err) {
      // Without publicUrl the URL comes from the Host header, which the caller controls.
      if (!isCallstreamError(err, 'ERR_INVALID_STREAM_XML')) throw err;
      res.sendStatus(400);
    }
  });
  // GET or POST, whichever statusCallbackMethod the stream names.
  app.all(
    STATUS_PATH,
    streamStatusMiddleware(
      {
        authToken: authToken ?? false,
        ...(publicUrl !== undefined && { publicUrl: httpOrigin(publicUrl) }),
      },
      onStatus,
    ),
  );

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

import { isCallstreamError, verifyPlivoSignature } from '@callstream/core';
import { streamXml, type StreamStatusEvent } from '@callstream/control';
import callstream, { streamStatusRoute, type CallstreamPluginOptions } from '@callstream/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { toneBot } from './tone-bot.js';

export interface FastifyBotOptions {
  /**
   * The origin the platform dials, e.g. `'wss://bot.example.com'`: used in the answer XML, for
   * the status-callback URL (its https form) and to check signatures. Default: taken from each
   * request (its Host, `wss` behind https).
   */
  publicUrl?: string;
  /**
   * Plivo auth token. When set, stream upgrades must carry a valid `X-Plivo-Signature-V3`, and
   * status callbacks a valid signature of their body. Without it neither is checked.
   */
  authToken?: string;
  /** The stream route. Default `'/stream'`. */
  path?: string;
  /** Fastify's `logger` option. Default `false`. */
  logger?: boolean;
  /** Called with each verified status callback. Default: log it through `request.log`. */
  onStatus?: (event: StreamStatusEvent, request: FastifyRequest) => unknown;
  /** More plugin options (StreamOptions, or another `onStream` than the tone bot, `authenticate`). */
  callstream?: Omit<CallstreamPluginOptions, 'path'>;
}

/** The route the answer XML names as `statusCallbackUrl`. */
export const STATUS_PATH = '/stream-status';

/** `wss://host` → `https://host`, `ws://host` → `http://host`: where the platform posts callbacks. */
export function httpOrigin(wsOrigin: string): string {
  return wsOrigin.replace(/^ws(s?):/i, 'http$1:').replace(/\/+$/, '');
}

/**
 * Builds the app: `GET|POST /answer` returns the `<Stream>` XML that sends the call's audio to
 * `path` (where the callstream plugin runs {@link toneBot}, or `callstream.onStream`) and its
 * status callbacks to `/stream-status`.
 */
export async function createApp(options: FastifyBotOptions = {}): Promise<FastifyInstance> {
  const { publicUrl, authToken, path = '/stream', logger = false } = options;
  const app = Fastify({ logger });

  await app.register(callstream, {
    path,
    onStream: toneBot,
    ...(authToken !== undefined && {
      authenticate: (request: FastifyRequest) =>
        verifyPlivoSignature(request.raw, { authToken, publicUrl }),
    }),
    ...options.callstream,
  });

  await app.register(streamStatusRoute, {
    path: STATUS_PATH,
    authToken: authToken ?? false,
    ...(publicUrl !== undefined && { publicUrl: httpOrigin(publicUrl) }),
    onStatus:
      options.onStatus ??
      ((event, request) =>
        request.log.info({ event: event.event, streamId: event.streamId }, 'stream status')),
  });

  // The platform POSTs the answer request form-encoded (CallUUID, From, To, ...); Fastify has no
  // parser for that by default and would answer 415.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  app.route({
    method: ['GET', 'POST'],
    url: '/answer',
    handler: async (request, reply) => {
      const origin =
        publicUrl ?? `${request.protocol === 'https' ? 'wss' : 'ws'}://${request.host}`;
      try {
        const xml = streamXml(`${origin}${path}`, {
          bidirectional: true,
          keepCallAlive: true,
          contentType: 'audio/x-l16;rate=16000',
          statusCallbackUrl: `${httpOrigin(origin)}${STATUS_PATH}`,
          statusCallbackMethod: 'POST',
        });
        return reply.type('application/xml').send(xml);
      } catch (err) {
        // Without publicUrl the URL comes from the Host header, which the caller controls.
        if (isCallstreamError(err, 'ERR_INVALID_STREAM_XML')) return reply.code(400).send();
        throw err;
      }
    },
  });

  app.get('/health', async () => ({ status: 'ok', calls: app.callstream.streams.size }));
  return app;
}

/** Creates the app and listens; resolves with the app and its base URL. */
export async function start(
  options: FastifyBotOptions & { port?: number; host?: string } = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const app = await createApp(options);
  const url = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return { app, url };
}

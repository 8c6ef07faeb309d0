import { verifyPlivoSignature } from '@callstream/core';
import callstream, { type CallstreamPluginOptions } from '@callstream/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { streamXml } from './answer-xml.js';
import { toneBot } from './tone-bot.js';

export interface FastifyBotOptions {
  /**
   * The origin the platform dials, e.g. `'wss://bot.example.com'`: used in the answer XML and to
   * check signatures. Default: taken from each request (its Host, `wss` behind https).
   */
  publicUrl?: string;
  /** Plivo auth token. When set, stream upgrades must carry a valid `X-Plivo-Signature-V3`. */
  authToken?: string;
  /** The stream route. Default `'/stream'`. */
  path?: string;
  /** Fastify's `logger` option. Default `false`. */
  logger?: boolean;
  /** More plugin options (StreamOptions, or another `onStream` than the tone bot, `authenticate`). */
  callstream?: Omit<CallstreamPluginOptions, 'path'>;
}

/**
 * Builds the app: `GET|POST /answer` returns the `<Stream>` XML that sends the call's audio to
 * `path`, where the callstream plugin runs {@link toneBot} (or `callstream.onStream`).
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

  app.route({
    method: ['GET', 'POST'],
    url: '/answer',
    handler: async (request, reply) => {
      const origin =
        publicUrl ?? `${request.protocol === 'https' ? 'wss' : 'ws'}://${request.host}`;
      return reply.type('application/xml').send(streamXml(`${origin}${path}`));
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

import websocket from '@fastify/websocket';
import type { CallStream, SocketOptions, StreamOptions } from '@callstream/core';
import { resolveSocketOptions, resolveStreamOptions } from '@callstream/core/internal';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestAsyncHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { LiveStreams } from './live-streams.js';

/** Options of the callstream Fastify plugin: routing, authentication, `maxPayload`, and every StreamOptions field. */
export interface CallstreamPluginOptions extends StreamOptions, SocketOptions {
  /** Route path(s) that carry streams; Fastify route syntax, so `/stream/:tenant` works. Default `'/stream'`. */
  path?: string | readonly string[];
  /**
   * Runs before the upgrade completes (in the route's `onRequest` hook); `false` answers HTTP 401
   * and no WebSocket is opened. A throw goes to Fastify's error handler (500 by default).
   * `(request) => verifyPlivoSignature(request.raw, { authToken })` fits. Default: every request is accepted.
   */
  authenticate?: (request: FastifyRequest) => boolean | Promise<boolean>;
  /**
   * Called with each call once its `start` has arrived. What it throws or rejects with goes to
   * the stream's `error` event and is logged through the call's logger. Default: none (read the
   * calls from `app.callstream.streams`).
   */
  onStream?: (stream: CallStream, request: FastifyRequest) => unknown;
  /** `StreamOptions.logger`; default here: the request's `request.log`, so calls log with its reqId. */
  logger?: StreamOptions['logger'];
}

/** What the plugin decorates the Fastify instance with, as `app.callstream`. */
export interface CallstreamDecorator {
  /** Live streams that have started, by streamId. */
  readonly streams: ReadonlyMap<string, CallStream>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Added by `@callstream/fastify`. */
    callstream: CallstreamDecorator;
  }
}

/** The defaults of the plugin's own options (the stream and socket ones have theirs in core). */
const PLUGIN_DEFAULTS = { path: '/stream' } as const;

const plugin: FastifyPluginAsync<CallstreamPluginOptions> = async (app, options) => {
  const {
    path = PLUGIN_DEFAULTS.path,
    authenticate,
    onStream,
    logger,
    maxPayload,
    ...streamOptions
  } = options;
  const paths = checkOptions(path, authenticate, onStream);
  resolveStreamOptions({ ...streamOptions, logger }); // throws a TypeError naming an invalid option
  await ensureWebsocket(app, maxPayload);

  const live = new LiveStreams<FastifyRequest>(streamOptions, onStream);
  app.decorate('callstream', {
    get streams() {
      return live.streams;
    },
  } satisfies CallstreamDecorator);
  // preClose runs before Fastify closes the server, which would otherwise wait on these sockets.
  app.addHook('preClose', () => live.close());

  const refuse: onRequestAsyncHookHandler | undefined =
    authenticate &&
    (async (request: FastifyRequest, reply: FastifyReply) => {
      if ((await authenticate(request)) === true) return;
      request.log.info('callstream: upgrade refused by authenticate');
      return reply.code(401).send();
    });

  for (const url of paths) {
    app.route({
      method: 'GET',
      url,
      ...(refuse && { onRequest: refuse }),
      // A plain GET (no upgrade) gets what the standalone server answers.
      handler: (_request, reply) =>
        reply.code(426).header('upgrade', 'websocket').send('Upgrade Required'),
      wsHandler: (socket: WebSocket, request: FastifyRequest) => {
        // @fastify/websocket's default preClose would close every socket it tracks without a
        // close code before ours runs; this plugin closes its calls itself, with 1001.
        app.websocketServer.clients.delete(socket);
        live.accept(socket, request.raw, request, logger ?? request.log);
      },
    });
  }
};

/** Validates the plugin's own options; returns the route paths. */
function checkOptions(path: unknown, authenticate: unknown, onStream: unknown): readonly string[] {
  const paths = typeof path === 'string' ? [path] : path;
  if (
    !Array.isArray(paths) ||
    paths.length === 0 ||
    paths.some((p) => typeof p !== 'string' || !p.startsWith('/'))
  ) {
    throw new TypeError(
      `Invalid option "path": a route path starting with "/", or an array of them (got ${String(path)})`,
    );
  }
  if (authenticate !== undefined && typeof authenticate !== 'function') {
    throw new TypeError(
      'Invalid option "authenticate": a function (request) => boolean | Promise<boolean>',
    );
  }
  if (onStream !== undefined && typeof onStream !== 'function') {
    throw new TypeError('Invalid option "onStream": a function (stream, request) => unknown');
  }
  return paths as string[];
}

/** Registers @fastify/websocket unless the app has it already. `maxPayload` is the user's (maybe unset). */
async function ensureWebsocket(
  app: FastifyInstance,
  maxPayload: number | undefined,
): Promise<void> {
  const socket = resolveSocketOptions({ maxPayload }); // throws a TypeError for an invalid one
  if (!app.hasDecorator('websocketServer')) {
    await app.register(websocket, {
      options: { maxPayload: socket.maxPayload, perMessageDeflate: false },
    });
    return;
  }
  // The app's own WebSocket server options apply to our sockets; say so when they disagree.
  const theirs = app.websocketServer.options.maxPayload;
  if (maxPayload !== undefined && theirs !== maxPayload) {
    app.log.warn(
      { maxPayload, websocketMaxPayload: theirs },
      'callstream: maxPayload is set by the @fastify/websocket registered before; set it there',
    );
  }
}

/**
 * The callstream Fastify plugin: serves media streams on `path` through `@fastify/websocket`.
 * `authenticate` runs before the upgrade completes, calls log through `request.log`,
 * `app.callstream.streams` lists the live calls, and `app.close()` closes them with 1001.
 *
 * `@fastify/websocket` is registered for you (with `maxPayload` and no compression) when the app
 * does not have it yet. If you use it for routes of your own, register it before this plugin:
 * its `options` (`maxPayload` included) then apply to the calls too.
 *
 * @example
 * import Fastify from 'fastify';
 * import callstream from '@callstream/fastify';
 * import { verifyPlivoSignature } from '@callstream/core';
 *
 * const app = Fastify({ logger: true });
 * await app.register(callstream, {
 *   path: '/stream',
 *   authenticate: (request) => verifyPlivoSignature(request.raw, { authToken, publicUrl }),
 *   onStream: async (stream, request) => {
 *     request.log.info({ callId: stream.callId }, 'call started');
 *     for await (const frame of stream.frames({ track: 'inbound' })) stt.write(frame.samples);
 *   },
 * });
 * await app.listen({ port: 8080 });
 */
export const callstream = fp(plugin, { name: '@callstream/fastify', fastify: '5.x' });

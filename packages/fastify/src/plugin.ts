import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import websocket from '@fastify/websocket';
import { CallstreamError, StreamRegistry, StreamSocket } from '@callstream/core';
import type { CallStream, SocketOptions, StreamOptions } from '@callstream/core';
import {
  checkAuthTimeout,
  resolveSocketOptions,
  resolveStreamOptions,
  runAuthenticate,
} from '@callstream/core/internal';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestAsyncHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';

/** The request the plugin hands to `authenticate` and `onStream`: route params are strings. */
export type CallstreamRequest = FastifyRequest<{ Params: Record<string, string> }>;

/** Options of the callstream Fastify plugin: routing, authentication, `maxPayload`, and every StreamOptions field. */
export interface CallstreamPluginOptions extends StreamOptions, SocketOptions {
  /**
   * Route path(s) that carry streams; Fastify route syntax, so `/stream/:tenant` works (and
   * `request.params.tenant` reaches `onStream`). The register option `prefix` is put in front.
   * Default `'/stream'`.
   */
  path?: string | readonly string[];
  /**
   * Runs before the upgrade completes (in the route's `onRequest` hook); `false` answers HTTP 401
   * and no WebSocket is opened. A throw goes to Fastify's error handler (500 by default).
   * `(request) => verifyPlivoSignature(request.raw, { authToken, publicUrl })` fits. Default: every request is accepted.
   */
  authenticate?: (request: CallstreamRequest) => boolean | Promise<boolean>;
  /** How long `authenticate` may take, in ms, before the upgrade is answered with HTTP 504 (`ERR_AUTH_TIMEOUT`). Default `10_000`. */
  authTimeoutMs?: number;
  /**
   * Called with each call once its `start` has arrived (a `stream` listener of `app.callstream`).
   * What it throws or rejects with goes to the stream's `error` event (else `app.callstream`'s)
   * and is logged through the call's logger. Default: none (listen to `app.callstream`).
   */
  onStream?: (stream: CallStream, request: CallstreamRequest) => unknown;
  /** `StreamOptions.logger`; default here: the request's `request.log`, so calls log with its reqId. */
  logger?: StreamOptions['logger'];
}

/**
 * What the plugin decorates the Fastify instance with, as `app.callstream`: the registry of the
 * calls on this registration's routes. `streams` lists the live ones, `stream` fires for each
 * call once it has started, `error` for handler errors a stream did not handle itself.
 * `app.close()` closes it (you need not call `close()` yourself).
 */
export type CallstreamDecorator = StreamRegistry<CallstreamRequest>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Added by `@callstream/fastify`: the calls of this scope's callstream routes. */
    callstream: CallstreamDecorator;
  }
}

/** The defaults of the plugin's own options (the stream and socket ones have theirs in core). */
const PLUGIN_DEFAULTS = { path: '/stream' } as const;

/** http servers whose `upgrade` event one of our @fastify/websocket registrations listens to. */
const listened = new WeakSet<Server>();

const plugin: FastifyPluginAsync<CallstreamPluginOptions> = async (app, options) => {
  const {
    path = PLUGIN_DEFAULTS.path,
    authenticate,
    authTimeoutMs,
    onStream,
    logger,
    maxPayload,
    ...streamOptions
  } = options;
  const prefix = checkPrefix((options as { prefix?: unknown }).prefix);
  const paths = checkOptions(path, authenticate, onStream);
  const timeoutMs = checkAuthTimeout(authTimeoutMs);
  resolveStreamOptions({ ...streamOptions, logger }); // throws a TypeError naming an invalid option
  if (app.hasDecorator('callstream')) {
    throw new Error(
      '@callstream/fastify is already registered in this scope or a parent one: register it in sibling scopes (each gets its own app.callstream)',
    );
  }
  await ensureWebsocket(app, maxPayload);

  const registry: CallstreamDecorator = new StreamRegistry<CallstreamRequest>({
    ...streamOptions,
    warnUnhandledErrors: false, // every call logs through request.log
  });
  if (onStream !== undefined) registry.on('stream', onStream);
  app.decorate('callstream', registry);
  // preClose runs before Fastify closes the server, which would otherwise wait on these sockets.
  app.addHook('preClose', () => registry.close());

  const check: onRequestAsyncHookHandler | undefined =
    authenticate &&
    (async (request: FastifyRequest, reply: FastifyReply) => {
      const socket = request.raw.socket;
      let settle: () => void = () => {};
      const release = registry.hold(socket, () => settle());
      const outcome = await runAuthenticate(
        authenticate,
        request as CallstreamRequest,
        timeoutMs,
        (s) => (settle = s),
      );
      release();
      if (socket.destroyed) registry.stats.upgradesAborted++;
      if (outcome.result === 'accepted') return;
      if (outcome.result === 'threw') throw outcome.error;
      if (outcome.result === 'closing') return reply.code(503).send();
      if (outcome.result === 'timeout') {
        registry.stats.authTimeouts++;
        const err = new CallstreamError('ERR_AUTH_TIMEOUT');
        request.log.warn({ code: err.code, timeoutMs }, `callstream: ${err.message}`);
        return reply.code(504).send();
      }
      request.log.info('callstream: upgrade refused by authenticate');
      return reply.code(401).send();
    });

  for (const url of paths) {
    app.route({
      method: 'GET',
      url: `${prefix}${url}`,
      ...(check && { onRequest: check }),
      // A plain GET (no upgrade) gets what the standalone server answers.
      handler: (_request, reply) =>
        reply.code(426).header('upgrade', 'websocket').send('Upgrade Required'),
      wsHandler: (socket: WebSocket, request: FastifyRequest) => {
        // @fastify/websocket's default preClose would close every socket it tracks without a
        // close code before ours runs; this plugin closes its calls itself, with 1001.
        app.websocketServer.clients.delete(socket);
        registry.accept(socket, request.raw, request as CallstreamRequest, logger ?? request.log);
      },
    });
  }
};

/** The register option `prefix` (which fastify-plugin would otherwise ignore), without a trailing `/`. */
function checkPrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) {
    throw new TypeError(
      `Invalid option "prefix": a path starting with "/" (got ${String(prefix)})`,
    );
  }
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

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

/**
 * Registers @fastify/websocket in this scope unless it has it already. A second scope of the
 * same app gets its own registration (its routes need its hooks), listening to a stand-in
 * emitter: two listeners on the server's `upgrade` would route each upgrade twice. `maxPayload`
 * is the user's (maybe unset).
 */
async function ensureWebsocket(
  app: FastifyInstance,
  maxPayload: number | undefined,
): Promise<void> {
  const socket = resolveSocketOptions({ maxPayload }); // throws a TypeError for an invalid one
  if (!app.hasDecorator('websocketServer')) {
    const first = !listened.has(app.server);
    listened.add(app.server);
    await app.register(websocket, {
      options: {
        maxPayload: socket.maxPayload,
        perMessageDeflate: false,
        // Reads the frames a stream is made of itself, and leaves the rest to ws.
        // (@fastify/websocket types the option as the whole ws module, statics and all: a
        // subclass of ws's WebSocket is what ws takes.)
        WebSocket: StreamSocket as never,
        ...(!first && { server: new EventEmitter() as Server }),
      },
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
 * `authenticate` runs before the upgrade completes (within `authTimeoutMs`), calls log through
 * `request.log`, `app.callstream` is the registry of the calls (`streams`, events `stream` and
 * `error`), and `app.close()` closes them with 1001 and answers pending upgrades with 503.
 *
 * `@fastify/websocket` is registered for you (with `maxPayload` and no compression) when the app
 * does not have it yet. If you use it for routes of your own, register it before this plugin:
 * its `options` (`maxPayload` included) then apply to the calls too. The register option
 * `prefix` applies to `path`. Registered in two sibling encapsulated scopes, each scope serves its
 * own paths and has its own `app.callstream`.
 *
 * @example
 * import Fastify from 'fastify';
 * import callstream from '@callstream/fastify';
 * import { verifyPlivoSignature } from '@callstream/core';
 *
 * const app = Fastify({ logger: true });
 * await app.register(callstream, {
 *   path: '/stream/:tenant',
 *   authenticate: (request) => verifyPlivoSignature(request.raw, { authToken, publicUrl }),
 *   onStream: async (stream, request) => {
 *     request.log.info({ callId: stream.callId, tenant: request.params.tenant }, 'call started');
 *     for await (const frame of stream.frames({ track: 'inbound' })) stt.write(frame.samples);
 *   },
 * });
 * await app.listen({ port: 8080 });
 */
export const callstream = fp(plugin, { name: '@callstream/fastify', fastify: '5.x' });

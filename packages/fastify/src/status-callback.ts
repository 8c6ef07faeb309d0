import {
  checkStreamStatusOptions,
  createStatusCallbackStats,
  dispatchStatusCallback,
  rejectStatusCallback,
  verifyStreamStatus,
  type ReadStreamStatusOptions,
  type StatusCallbackStats,
  type StreamStatusEvent,
} from '@callstream/control';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Options of the {@link streamStatusRoute} plugin: those of `readStreamStatus`, plus the route. */
export interface StreamStatusRouteOptions extends ReadStreamStatusOptions {
  /** The route (GET and POST). Default `'/stream-status'`. */
  path?: string;
  /**
   * Called with each verified callback, after the 200 has been sent. What it throws or rejects
   * with is logged through `request.log` and counted; the server goes on.
   */
  onStatus: (event: StreamStatusEvent, request: FastifyRequest) => unknown;
  /** Counters to update (`createStatusCallbackStats()` from `@callstream/control`). */
  stats?: StatusCallbackStats;
}

const DEFAULT_MAX_BYTES = 65_536;

/**
 * A Fastify plugin that serves a stream status-callback route (GET and POST on `path`): verifies
 * the platform's signature, parses the callback, answers 200 at once and then calls `onStatus`.
 * Refused: 403 for a bad signature, 400 for a malformed callback, 413 for a body over
 * `maxBytes`. It reads form-encoded and JSON bodies with parsers of its own, scoped to this
 * plugin: no `@fastify/formbody` needed, and the app's own parsers are left as they are.
 * Register it once per route; it does not need the callstream plugin.
 *
 * @throws {TypeError} naming the option, when registered with invalid options.
 *
 * @example
 * import Fastify from 'fastify';
 * import { streamStatusRoute } from '@callstream/fastify';
 *
 * const app = Fastify({ logger: true });
 * await app.register(streamStatusRoute, {
 *   path: '/stream-status',
 *   authToken: process.env.PLIVO_AUTH_TOKEN ?? '',
 *   publicUrl: 'https://app.example.com',
 *   onStatus: (event, request) => request.log.info({ event: event.event }, 'stream status'),
 * });
 */
export const streamStatusRoute: FastifyPluginAsync<StreamStatusRouteOptions> = async (
  app,
  options,
) => {
  const { path = '/stream-status', onStatus } = options;
  checkStreamStatusOptions(options);
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(
      `Invalid option "path": a route path starting with "/" (got ${String(path)})`,
    );
  }
  if (typeof onStatus !== 'function') {
    throw new TypeError('Invalid option "onStatus": a function (event, request) => unknown');
  }
  const stats = options.stats ?? createStatusCallbackStats();

  // This plugin is not wrapped in fastify-plugin, so these parsers apply to its route only.
  // Every body arrives as text; verifyStreamStatus reads it by its content type.
  for (const type of ['application/x-www-form-urlencoded', 'application/json']) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
  }
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'application/json', '*'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  app.route({
    method: ['GET', 'POST'],
    url: path,
    bodyLimit: options.maxBytes ?? DEFAULT_MAX_BYTES,
    errorHandler: (error: FastifyError, request, reply) => {
      // Errors of the body parsers (too large, unreadable) before the handler ran.
      const status = error.statusCode === 413 ? 413 : (error.statusCode ?? 500) < 500 ? 400 : 500;
      if (status === 413) stats.tooLarge++;
      else if (status === 400) stats.malformed++;
      request.log.warn({ code: error.code }, 'callstream: status callback refused');
      return reply.code(status).send();
    },
    handler: (request: FastifyRequest, reply: FastifyReply) => {
      let event: StreamStatusEvent;
      try {
        event = verifyStreamStatus(
          {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
          },
          options,
        );
      } catch (err) {
        return reply.code(rejectStatusCallback(err, request.log, stats)).send();
      }
      void reply.code(200).send();
      dispatchStatusCallback(onStatus, event, request, request.log, stats);
      return reply;
    },
  });
};

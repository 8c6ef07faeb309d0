import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@callstream/core';
import { silentLogger } from '@callstream/core/internal';
import {
  checkStreamStatusOptions,
  createStatusCallbackStats,
  dispatchStatusCallback,
  readStreamStatus,
  rejectStatusCallback,
  type ReadStreamStatusOptions,
  type StatusCallbackStats,
  type StreamStatusEvent,
} from '@callstream/control';

/** Options of {@link streamStatusMiddleware}: those of `readStreamStatus`, plus logging and counters. */
export interface StreamStatusMiddlewareOptions extends ReadStreamStatusOptions {
  /** Where refused callbacks (warn) and handler errors (error) are logged. Default: silent. */
  logger?: Logger;
  /** Counters to update (`createStatusCallbackStats()`). Default: fresh ones, on `.stats`. */
  stats?: StatusCallbackStats;
}

/** A `node:http` request listener that is also Express middleware. */
export interface StreamStatusMiddleware {
  (req: IncomingMessage, res: ServerResponse, next?: unknown): void;
  /** What it has accepted and refused so far. */
  readonly stats: StatusCallbackStats;
}

/**
 * A stream status-callback endpoint for `node:http` and Express: verifies the platform's
 * signature, parses the callback (form-encoded or JSON POST, or GET query), answers 200 at once
 * and then calls `handler` with the event. Refused: 403 for a bad signature, 400 for a malformed
 * callback, 413 for a body over `maxBytes`. What `handler` throws or rejects with is logged and
 * counted, never sent to the platform and never crashes the server.
 *
 * In Express it works with or without a body parser in front: it reads the body itself unless
 * `express.urlencoded()` or `express.json()` has read it already (then it uses `req.body`).
 *
 * @throws {TypeError} naming the option, for invalid options or a handler that is not a function.
 *
 * @example
 * import express from 'express';
 * import { streamStatusMiddleware } from '@callstream/http';
 *
 * const app = express();
 * app.post(
 *   '/stream-status',
 *   streamStatusMiddleware(
 *     { authToken: process.env.PLIVO_AUTH_TOKEN ?? '', publicUrl: 'https://app.example.com' },
 *     (event) => {
 *       if (event.event === 'DroppedStream') alerts.notify(event.streamId, event.error);
 *     },
 *   ),
 * );
 */
export function streamStatusMiddleware(
  options: StreamStatusMiddlewareOptions,
  handler: (event: StreamStatusEvent, req: IncomingMessage) => unknown,
): StreamStatusMiddleware {
  checkStreamStatusOptions(options);
  if (typeof handler !== 'function') {
    throw new TypeError('Invalid argument "handler": a function (event, req) => unknown');
  }
  const logger = options.logger ?? silentLogger;
  const stats = options.stats ?? createStatusCallbackStats();
  const middleware = (req: IncomingMessage, res: ServerResponse): void => {
    readStreamStatus(req, options).then(
      (event) => {
        res.writeHead(200, { 'content-length': '0' }).end();
        dispatchStatusCallback(handler, event, req, logger, stats);
      },
      (err: unknown) => {
        const status = rejectStatusCallback(err, logger, stats);
        // A body left unread (too large) is not worth draining: close after the answer.
        const headers: Record<string, string> = { 'content-length': '0' };
        if (status === 413) headers.connection = 'close';
        if (!res.headersSent) res.writeHead(status, headers).end();
      },
    );
  };
  return Object.assign(middleware, { stats });
}

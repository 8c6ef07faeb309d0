import { CallstreamError, type Logger } from '@callstream/core';
import { statusCallbackHttpStatus } from './read-stream-status.js';
import type { StreamStatusEvent } from './stream-status.js';

/** Counters of a status-callback route. */
export interface StatusCallbackStats {
  /** Callbacks verified, parsed and answered 200. */
  accepted: number;
  /** Answered 403: no valid signature. */
  invalidSignature: number;
  /** Answered 400: no `Event`, an unreadable body, another method. */
  malformed: number;
  /** Answered 413: a body over `maxBytes`. */
  tooLarge: number;
  /** Your handler threw or rejected (logged; the platform had its 200 already). */
  handlerErrors: number;
}

/**
 * Fresh counters for a status-callback route (`streamStatusMiddleware`, `streamStatusRoute`),
 * to read from your metrics code.
 *
 * @example
 * const stats = createStatusCallbackStats();
 * app.post('/stream-status', streamStatusMiddleware({ authToken, stats }, onStatus));
 * setInterval(() => metrics.gauge('callbacks.rejected', stats.invalidSignature), 10_000);
 */
export function createStatusCallbackStats(): StatusCallbackStats {
  return { accepted: 0, invalidSignature: 0, malformed: 0, tooLarge: 0, handlerErrors: 0 };
}

/**
 * Counts and logs a rejected callback; returns the HTTP status to answer. Used by the route
 * helpers of `@callstream/http` and `@callstream/fastify`.
 */
export function rejectStatusCallback(
  err: unknown,
  logger: Logger,
  stats: StatusCallbackStats,
): number {
  const status = statusCallbackHttpStatus(err);
  if (status === 403) stats.invalidSignature++;
  else if (status === 413) stats.tooLarge++;
  else if (status === 400) stats.malformed++;
  const code = err instanceof CallstreamError ? err.code : undefined;
  if (status === 500) logger.error({ err }, 'callstream: status callback failed');
  else
    logger.warn({ code, message: (err as Error).message }, 'callstream: status callback refused');
  return status;
}

/**
 * Counts an accepted callback and runs the handler, after the 200 has been sent: what it throws
 * or rejects with is counted and logged, and goes no further. Used by the route helpers.
 */
export function dispatchStatusCallback<C>(
  handler: (event: StreamStatusEvent, context: C) => unknown,
  event: StreamStatusEvent,
  context: C,
  logger: Logger,
  stats: StatusCallbackStats,
): void {
  stats.accepted++;
  const failed = (err: unknown): void => {
    stats.handlerErrors++;
    logger.error(
      { err, event: event.event, streamId: event.streamId },
      'callstream: status callback handler threw',
    );
  };
  try {
    Promise.resolve(handler(event, context)).catch(failed);
  } catch (err) {
    failed(err);
  }
}

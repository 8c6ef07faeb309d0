import { CallstreamError, isCallstreamError } from '../errors.js';

/**
 * What a user handler threw or rejected with, as the error the call surfaces: a
 * `CallstreamError` as it is, anything else as `ERR_HANDLER` naming the `subject` ("stream",
 * "call") and carrying the original as `cause`.
 *
 * @example
 * const error = toHandlerError(new Error('boom'), 'call');
 * error.code; // 'ERR_HANDLER'
 * error.message; // 'A call handler threw: boom'
 */
export function toHandlerError(err: unknown, subject: string): CallstreamError {
  return isCallstreamError(err)
    ? err
    : new CallstreamError(
        'ERR_HANDLER',
        `A ${subject} handler threw: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
}

import { CallstreamError } from '@callstream/core';

/** The codes a stream API request can fail with. */
export type PlatformErrorCode =
  'ERR_PLATFORM_HTTP' | 'ERR_PLATFORM_TIMEOUT' | 'ERR_PLATFORM_NETWORK';

/** What a {@link PlatformError} knows about the request and the platform's answer. */
export interface PlatformErrorDetails {
  method: string;
  url: string;
  /** The HTTP status (`ERR_PLATFORM_HTTP` only). */
  status?: number;
  /** The platform's `api_id` for this request, when its body had one (quote it to support). */
  apiId?: string;
  /** The platform's `error` text, or the body text when it was not JSON. */
  error?: string;
  /** The answer's body: parsed JSON, the text, or undefined when empty. */
  body?: unknown;
  cause?: unknown;
}

/**
 * The {@link CallstreamError} a stream API request rejects with: `ERR_PLATFORM_HTTP` (an error
 * status, or a 2xx answer without the fields the operation needs), `ERR_PLATFORM_TIMEOUT` or
 * `ERR_PLATFORM_NETWORK`, with the request and the platform's answer attached.
 *
 * @example
 * try {
 *   await api.stop(callUuid, streamId);
 * } catch (err) {
 *   if (err instanceof PlatformError && err.status === 404) return; // already stopped
 *   throw err;
 * }
 */
export class PlatformError extends CallstreamError {
  override readonly code: PlatformErrorCode;
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly apiId: string | undefined;
  readonly error: string | undefined;
  readonly body: unknown;

  constructor(code: PlatformErrorCode, message: string, details: PlatformErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.apiId = details.apiId;
    this.error = details.error;
    this.body = details.body;
  }
}

/**
 * A stream's status callback as the platform sends it: the common parameters (CONTROL.md §3.2),
 * Vobiz's additions, signed, to the stream's `statusCallbackUrl` with its method.
 */
import { sendSigned } from './outbound-request.js';
import type { HttpExchange } from './outbound-request.js';
import type { ResolvedPlatformOptions } from './platform-options.js';
import type { StreamSpec } from './stream-spec.js';

/** Who the callback is about. */
export interface CallbackSubject {
  callUuid: string;
  streamId: string;
  from: string;
  to: string;
}

/** `2025-11-06 09:58:40` (UTC), as in the platforms' callbacks. */
export function callbackTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The parameters of `event`: `From, To, CallUUID, Event, StreamID, Timestamp` and `extra`
 * (`ServiceURL`, `Name`, `Error`); Vobiz adds `Error` (empty when healthy), `ParentAuthID` and the
 * snake_case `status_callback_url`/`status_callback_method` of its examples.
 */
export function callbackParams(
  options: ResolvedPlatformOptions,
  spec: StreamSpec,
  subject: CallbackSubject,
  event: string,
  extra: Record<string, string>,
): Record<string, string> {
  const params: Record<string, string> = {
    From: subject.from,
    To: subject.to,
    CallUUID: subject.callUuid,
    Event: event,
    StreamID: subject.streamId,
    Timestamp: callbackTimestamp(options.clock()),
    ...extra,
  };
  if (options.platform === 'vobiz') {
    params.Error ??= '';
    params.ParentAuthID = options.authId;
    params.status_callback_url = spec.statusCallbackUrl ?? '';
    params.status_callback_method = spec.statusCallbackMethod;
  }
  return params;
}

/** Sends one callback (the stream has a `statusCallbackUrl`); never throws. */
export function sendCallback(
  options: ResolvedPlatformOptions,
  spec: StreamSpec & { statusCallbackUrl: string },
  params: Record<string, string>,
): Promise<HttpExchange> {
  const ctx = {
    platform: options.platform,
    authToken: options.authToken,
    timeoutMs: options.requestTimeoutMs,
  };
  return sendSigned(ctx, spec.statusCallbackMethod, spec.statusCallbackUrl, params);
}

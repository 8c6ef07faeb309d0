import { CallstreamError } from '@callstream/core';

/** The events the platforms document (Vobiz adds `PlayedStream` and `ClearedAudio`). */
export type StreamStatusEventName =
  | 'StartStream'
  | 'StopStream'
  | 'DroppedStream'
  | 'DegradedStream'
  | 'PlayedStream'
  | 'ClearedAudio';

/** Callback parameters: one string per key, or every value of a repeated key. */
export type CallbackParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * One status callback, its documented parameters in camelCase (CONTROL.md §3.2). A parameter the
 * platform did not send is undefined; `params` holds every parameter as sent.
 */
export interface StreamStatusEvent {
  /** `Event`. Unknown names are passed through, so a new event never breaks a handler. */
  event: StreamStatusEventName | (string & {});
  callUuid?: string;
  streamId?: string;
  from?: string;
  to?: string;
  timestamp?: string;
  /** `ServiceURL`, sent with `StartStream`. */
  serviceUrl?: string;
  /** `Name`: the checkpoint of a Vobiz `PlayedStream`. */
  name?: string;
  /** `Error`: why a stream dropped or degraded; empty on healthy events (Vobiz). */
  error?: string;
  parentAuthId?: string;
  params: CallbackParams;
}

/** The documented names, and where each goes. */
const FIELDS = [
  ['CallUUID', 'callUuid'],
  ['StreamID', 'streamId'],
  ['From', 'from'],
  ['To', 'to'],
  ['Timestamp', 'timestamp'],
  ['ServiceURL', 'serviceUrl'],
  ['Name', 'name'],
  ['Error', 'error'],
  ['ParentAuthID', 'parentAuthId'],
] as const;

/**
 * Reads a stream status callback's parameters (the form body of a POST, the query of a GET).
 * A repeated parameter counts with its first value.
 *
 * @throws {CallstreamError} `ERR_INVALID_CALLBACK` when there is no `Event`, or a value is not a
 * string (or array of strings).
 *
 * @example
 * import { parseStreamStatus } from '@callstream/control';
 *
 * const event = parseStreamStatus(new URLSearchParams(body));
 * if (event.event === 'DroppedStream') log.warn({ streamId: event.streamId, error: event.error });
 */
export function parseStreamStatus(
  params: URLSearchParams | Readonly<Record<string, string | readonly string[]>>,
): StreamStatusEvent {
  const all = toCallbackParams(params);
  const first = (key: string): string | undefined => {
    const value = Object.hasOwn(all, key) ? all[key] : undefined;
    return typeof value === 'string' ? value : value?.[0];
  };
  const event = first('Event');
  if (event === undefined || event === '') {
    throw new CallstreamError('ERR_INVALID_CALLBACK', 'Status callback without an Event parameter');
  }
  const parsed: StreamStatusEvent = { event, params: all };
  for (const [param, field] of FIELDS) {
    const value = first(param);
    if (value !== undefined) parsed[field] = value;
  }
  return parsed;
}

/**
 * Parameters as a frozen record (own keys only, `__proto__` included as a plain key): repeated
 * keys of `URLSearchParams` become arrays. Values that are not strings are refused.
 */
export function toCallbackParams(
  params: URLSearchParams | Readonly<Record<string, unknown>>,
): CallbackParams {
  const entries = new Map<string, string | string[]>();
  if (params instanceof URLSearchParams) {
    for (const [key, value] of params) {
      const seen = entries.get(key);
      if (seen === undefined) entries.set(key, value);
      else entries.set(key, [...(typeof seen === 'string' ? [seen] : seen), value]);
    }
  } else if (typeof params === 'object' && params !== null && !Array.isArray(params)) {
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'string') entries.set(key, value);
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        entries.set(key, [...(value as string[])]);
      } else {
        throw new CallstreamError(
          'ERR_INVALID_CALLBACK',
          `Status callback parameter "${key}" is not a string`,
        );
      }
    }
  } else {
    throw new CallstreamError(
      'ERR_INVALID_CALLBACK',
      'Status callback parameters are not an object',
    );
  }
  for (const value of entries.values()) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(Object.fromEntries(entries));
}

/**
 * Every error callstream raises is a {@link CallstreamError} with one of these literal codes.
 * The README's error table has one line per code.
 */
export const ERROR_CODES = {
  /** The text frame is not valid JSON. */
  ERR_INVALID_JSON: { closeCode: 1007, message: 'Frame is not valid JSON' },
  /** The JSON is not an object, or its `event` is not a string. */
  ERR_INVALID_MESSAGE: {
    closeCode: 1007,
    message: 'Frame is not a message object with a string event',
  },
  /** A `start` message lacks a usable callId, streamId, tracks or mediaFormat. */
  ERR_INVALID_START: { closeCode: 1007, message: 'Invalid start message' },
  /** A `media` message lacks a base64 payload, or has fields of the wrong type. */
  ERR_INVALID_MEDIA: { closeCode: 1007, message: 'Invalid media message' },
  /** A `dtmf` message lacks a valid digit, or has fields of the wrong type. */
  ERR_INVALID_DTMF: { closeCode: 1007, message: 'Invalid dtmf message' },
  /** A known event whose other fields have the wrong types (playedStream without a name, ...). */
  ERR_INVALID_FIELD: { closeCode: 1007, message: 'Message field has the wrong type' },
  /** A payload is not strict standard base64. */
  ERR_INVALID_BASE64: { closeCode: 1007, message: 'Payload is not valid base64' },
  /** An L16 payload, or L16 bytes given to a decoder, has an odd number of bytes. */
  ERR_ODD_LENGTH: { closeCode: 1007, message: 'L16 audio must have an even number of bytes' },
  /** The encoding or sample rate is not one callstream can decode or encode. */
  ERR_UNSUPPORTED_FORMAT: { closeCode: 1003, message: 'Unsupported audio format' },
  /** A second `start` arrived on a stream that has already started. */
  ERR_DUPLICATE_START: { closeCode: 1008, message: 'Duplicate start message' },
  /** A message other than `start` arrived before `start`. */
  ERR_NOT_STARTED: { closeCode: 1008, message: 'Message received before start' },
  /** No `start` arrived within `startTimeoutMs`. */
  ERR_START_TIMEOUT: { closeCode: 1008, message: 'No start message within the start timeout' },
  /** A WebSocket message (or a frame header's announced length) was larger than `maxPayload` (the socket closes with 1009). */
  ERR_FRAME_TOO_LARGE: { closeCode: 1009, message: 'Message larger than maxPayload' },
  /** The socket reported an error (invalid WebSocket framing, reset connection, ...); the `cause` has it. */
  ERR_SOCKET: { closeCode: 1002, message: 'WebSocket error' },
  /** The peer answered no ping for a whole `heartbeatMs` (messages alone do not count): close 1011, then the socket is cut. */
  ERR_HEARTBEAT_TIMEOUT: { closeCode: 1011, message: 'Peer did not answer the heartbeat ping' },
  /** The peer read nothing for `backlogTimeoutMs` while more than `maxBacklogBytes` waited to be sent: close 1008, then the socket is cut. */
  ERR_BACKLOG_TIMEOUT: {
    closeCode: 1008,
    message: 'Peer stopped reading: the send backlog did not drain in time',
  },
  /** A second live stream announced a `streamId` a live stream already has; the newcomer is closed with 1008. */
  ERR_DUPLICATE_STREAM_ID: { closeCode: 1008, message: 'Another live stream has this streamId' },
  /** `authenticate` did not settle within `authTimeoutMs`: the upgrade is answered with HTTP 504. */
  ERR_AUTH_TIMEOUT: { closeCode: undefined, message: 'authenticate did not settle in time' },
  /** The socket closed before the operation could complete (before `start`, during playback, ...). Nothing is sent: the socket is gone. */
  ERR_STREAM_CLOSED: { closeCode: undefined, message: 'The stream is closed' },
  /** Digits passed to `sendDtmf` (or to a serializer) are empty or not in [0-9A-D*#]. */
  ERR_INVALID_DIGITS: { closeCode: undefined, message: 'DTMF digits must match [0-9A-D*#]' },
  /** An argument of `playAudio` cannot be used (audio of the wrong type or an odd byte count, an invalid option); thrown at call time. */
  ERR_INVALID_AUDIO: { closeCode: undefined, message: 'Invalid audio for playAudio' },
  /** A user handler or listener threw or rejected; the error is the `cause`. */
  ERR_HANDLER: { closeCode: undefined, message: 'A stream handler threw' },
  /** `recordCall` could not write its file (the I/O error is the `cause`); the call goes on. */
  ERR_RECORDING: { closeCode: undefined, message: 'The recording could not be written' },
  /** Bytes given as a WAV file are not one (no RIFF/WAVE header, no fmt or data chunk). */
  ERR_INVALID_WAV: { closeCode: undefined, message: 'Not a readable WAV file' },
  /** `<Stream>` XML input that breaks a documented rule (`@callstream/control` `streamXml`). */
  ERR_INVALID_STREAM_XML: { closeCode: undefined, message: 'Invalid <Stream> XML attributes' },
  /** Stream REST parameters or ids that break a documented rule; nothing was sent. */
  ERR_INVALID_STREAM_PARAMS: { closeCode: undefined, message: 'Invalid stream API parameters' },
  /** The platform's REST API answered with an error status (or an unusable body). */
  ERR_PLATFORM_HTTP: { closeCode: undefined, message: 'The platform API answered with an error' },
  /** The platform's REST API did not answer within `timeoutMs`. */
  ERR_PLATFORM_TIMEOUT: {
    closeCode: undefined,
    message: 'The platform API did not answer in time',
  },
  /** The platform's REST API could not be reached (DNS, refused or reset connection). */
  ERR_PLATFORM_NETWORK: { closeCode: undefined, message: 'The platform API could not be reached' },
  /** A status callback without a valid signature for its URL, parameters and auth token. */
  ERR_INVALID_SIGNATURE: { closeCode: undefined, message: 'Invalid callback signature' },
  /** A status callback that cannot be read (no Event, a bad body, a method other than GET/POST). */
  ERR_INVALID_CALLBACK: { closeCode: undefined, message: 'Malformed status callback' },
  /** A status callback body larger than `maxBytes`. */
  ERR_CALLBACK_TOO_LARGE: { closeCode: undefined, message: 'Status callback body too large' },
} as const satisfies Record<string, { closeCode: number | undefined; message: string }>;

export type CallstreamErrorCode = keyof typeof ERROR_CODES;

/**
 * The one error class of callstream. `code` is a literal string; `closeCode` is the WebSocket
 * close code that fits a protocol error (when there is one); `cause` holds the underlying error.
 *
 * @example
 * stream.on('frameError', (err) => {
 *   if (err.code === 'ERR_INVALID_BASE64') metrics.badPayloads++;
 * });
 */
export class CallstreamError extends Error {
  override readonly name = 'CallstreamError';
  readonly code: CallstreamErrorCode;
  readonly closeCode: number | undefined;

  constructor(code: CallstreamErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options);
    this.code = code;
    this.closeCode = ERROR_CODES[code].closeCode;
  }
}

/** True when `err` is a {@link CallstreamError} (optionally with the given code). */
export function isCallstreamError(
  err: unknown,
  code?: CallstreamErrorCode,
): err is CallstreamError {
  return err instanceof CallstreamError && (code === undefined || err.code === code);
}

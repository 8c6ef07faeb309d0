/**
 * The ways a server's commands can break PROTOCOL.md, as the simulator reports them.
 */

/**
 * - `binary-frame`: a binary WebSocket frame (the protocol is JSON text only).
 * - `invalid-json`: a text frame that is not JSON.
 * - `invalid-message`: JSON that is not an object with a string `event`.
 * - `unknown-event`: an `event` the platform does not know (Twilio's `mark`, ...).
 * - `unsupported-event`: `stop` sent to a plivo-dialect call (only Vobiz has it).
 * - `content-type-not-bare`: `contentType` with a suffix such as `;rate=8000` (silent call).
 * - `sample-rate-not-number`: `sampleRate` missing or not a number (silent call).
 * - `missing-stream-id`: a command without `streamId`.
 * - `stream-id-mismatch`: a `streamId` that is not this call's.
 * - `invalid-command`: any other malformed field (message from the parser).
 * - `unsupported-format`: a contentType/sampleRate pair the dialect cannot play (mu-law other
 *   than 8000 Hz; L16 other than 8000 or 16000 Hz, or 24000 Hz on Vobiz; core's `MEDIA_FORMATS`).
 * - `invalid-base64`: a payload that is not strict standard base64.
 * - `odd-length`: an L16 payload with an odd number of bytes (not whole samples).
 * - `format-switched`: a playAudio whose contentType or sampleRate differs from the first one.
 * - `message-too-long`: more than 100 ms of audio in one playAudio.
 * - `chunk-not-20ms-multiple`: a playAudio whose duration is not a multiple of 20 ms.
 * - `invalid-digits`: `sendDTMF` digits outside `[0-9A-D*#]`.
 * - `not-bidirectional`: a command on a stream that is not bidirectional (the platform ignores it).
 */
export type ViolationCode =
  | 'binary-frame'
  | 'invalid-json'
  | 'invalid-message'
  | 'unknown-event'
  | 'unsupported-event'
  | 'content-type-not-bare'
  | 'sample-rate-not-number'
  | 'missing-stream-id'
  | 'stream-id-mismatch'
  | 'invalid-command'
  | 'unsupported-format'
  | 'invalid-base64'
  | 'odd-length'
  | 'format-switched'
  | 'message-too-long'
  | 'not-bidirectional'
  | 'chunk-not-20ms-multiple'
  | 'invalid-digits';

/** A command the server sent that breaks PROTOCOL.md. */
export interface Violation {
  code: ViolationCode;
  /** What is wrong, for people. */
  message: string;
  /** Call time when it arrived, in ms since `start`. */
  atMs: number;
  /** The raw frame, cut to 200 characters (absent for binary frames). */
  command?: string;
}

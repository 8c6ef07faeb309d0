/**
 * The call's timeline: every event of a simulated call on the call's clock, as
 * {@link SimulatedCallResult.timeline} holds it and the call report draws it.
 */
import type { CallClose } from './options.js';
import type { ViolationCode } from './violations.js';

/**
 * One event of a simulated call. `atMs` is call time in ms since `start` (on the simulated clock,
 * not wall time), in 20 ms steps: commands from the server are stamped with the tick during which
 * they arrived. Events are in the order they happened.
 *
 * - `start`: the platform sent `start` (first, at 0; absent when the call never connected).
 * - `playAudio`: a burst of `playAudio` messages, from the first (`atMs`) to the last (`endMs`)
 *   that arrived. A burst ends at a `checkpoint` or `clearAudio`, or when the queued audio ran out
 *   before the next `playAudio` arrived (the caller heard a gap).
 * - `checkpoint`: the server sent `checkpoint` `name`.
 * - `playedStream`: the platform acknowledged checkpoint `name`; `sentAtMs` is when the server
 *   sent it, so `atMs - sentAtMs` is how long the caller took to hear the audio queued before it.
 * - `clearAudio`: the server sent `clearAudio`; `droppedMs` of queued audio was flushed unplayed
 *   and the checkpoints `voided` will never be acknowledged. A `clearedAudio` event follows.
 * - `clearedAudio`: the platform answered the flush.
 * - `dtmf`: the caller pressed `digit` (the platform sent `dtmf`).
 * - `sendDTMF`: the server asked the platform to play `digits`.
 * - `violation`: a command broke PROTOCOL.md (the same entry as in `violations`).
 * - `hangup`: the call ended (always last, at `durationMs`), closed by `by`.
 */
export type CallEvent =
  | { type: 'start'; atMs: number }
  | { type: 'playAudio'; atMs: number; endMs: number; messages: number; audioMs: number }
  | { type: 'checkpoint'; atMs: number; name: string }
  | { type: 'playedStream'; atMs: number; name: string; sentAtMs: number }
  | { type: 'clearAudio'; atMs: number; droppedMs: number; voided: string[] }
  | { type: 'clearedAudio'; atMs: number }
  | { type: 'dtmf'; atMs: number; digit: string }
  | { type: 'sendDTMF'; atMs: number; digits: string }
  | { type: 'violation'; atMs: number; code: ViolationCode; message: string }
  | ({ type: 'hangup'; atMs: number } & CallClose);

/** The `type` of a {@link CallEvent}. */
export type CallEventType = CallEvent['type'];

/** Every {@link CallEventType}, in the order the report lists them. */
export const CALL_EVENT_TYPES: readonly CallEventType[] = [
  'start',
  'playAudio',
  'checkpoint',
  'playedStream',
  'clearAudio',
  'clearedAudio',
  'dtmf',
  'sendDTMF',
  'violation',
  'hangup',
];

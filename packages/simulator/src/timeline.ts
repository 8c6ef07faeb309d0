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

/**
 * Every {@link CallEventType}, in the order the report lists them.
 *
 * @example
 * const counts = Object.fromEntries(CALL_EVENT_TYPES.map((t) => [t, 0]));
 * for (const event of result.timeline) counts[event.type]++;
 */
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

type PlayAudioEvent = Extract<CallEvent, { type: 'playAudio' }>;

/**
 * Records a call's events as {@link CallModel} sees them: groups `playAudio` messages into
 * bursts and pairs each acknowledgement with the time its checkpoint was sent.
 *
 * @example
 * const timeline = new CallTimeline();
 * timeline.add({ type: 'start', atMs: 0 });
 * timeline.playAudio(100, 20, true);
 * timeline.checkpoint(100, 'greeting');
 * timeline.acknowledged(220, 'greeting'); // { type: 'playedStream', sentAtMs: 100, ... }
 */
export class CallTimeline {
  readonly #events: CallEvent[] = [];
  /** When each pending checkpoint was sent, by name, oldest first. */
  readonly #sentAt = new Map<string, number[]>();
  /** The `playAudio` burst still growing, if any. */
  #burst: PlayAudioEvent | undefined;

  /** Appends an event that needs no bookkeeping. */
  add(event: CallEvent): void {
    this.#events.push(event);
  }

  /**
   * A `playAudio` of `audioMs` arrived at `atMs`: it extends the current burst, or starts one
   * when there is none or the playout queue ran dry (`queueEmpty`) since the last message.
   */
  playAudio(atMs: number, audioMs: number, queueEmpty: boolean): void {
    const burst = this.#burst;
    if (burst !== undefined && (burst.endMs === atMs || !queueEmpty)) {
      burst.endMs = atMs;
      burst.messages++;
      burst.audioMs += audioMs;
      return;
    }
    this.#burst = { type: 'playAudio', atMs, endMs: atMs, messages: 1, audioMs };
    this.#events.push(this.#burst);
  }

  checkpoint(atMs: number, name: string): void {
    this.#burst = undefined;
    const sent = this.#sentAt.get(name);
    if (sent) sent.push(atMs);
    else this.#sentAt.set(name, [atMs]);
    this.#events.push({ type: 'checkpoint', atMs, name });
  }

  /** The platform acknowledged checkpoint `name` at `atMs`. */
  acknowledged(atMs: number, name: string): void {
    const sentAtMs = this.#takeSentAt(name) ?? atMs;
    this.#events.push({ type: 'playedStream', atMs, name, sentAtMs });
  }

  /** `clearAudio` flushed `droppedMs` of audio and voided the checkpoints `voided`. */
  cleared(atMs: number, droppedMs: number, voided: string[]): void {
    this.#burst = undefined;
    for (const name of voided) this.#takeSentAt(name);
    this.#events.push({ type: 'clearAudio', atMs, droppedMs, voided });
  }

  /** A copy of the events so far, closed by `hangup`. */
  events(hangup: Extract<CallEvent, { type: 'hangup' }>): CallEvent[] {
    return [...this.#events.map((event) => ({ ...event })), hangup];
  }

  #takeSentAt(name: string): number | undefined {
    const sent = this.#sentAt.get(name);
    const atMs = sent?.shift();
    if (sent?.length === 0) this.#sentAt.delete(name);
    return atMs;
  }
}

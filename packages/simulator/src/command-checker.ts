/**
 * Checks each frame a server sends against PROTOCOL.md §3, as a strict platform would, and turns
 * the usable ones into actions. Parsing is core's `parseCommand`; what it cannot know about (this
 * call's streamId, payload contents, chunk sizes, the format used so far) is checked here.
 */
import { isCallstreamError } from '@callstream/core';
import {
  createByteScratch,
  decodeBase64Into,
  decodeWire,
  describeFormats,
  DTMF_DIGIT_CLASS,
  isDtmfDigits,
  isSupportedFormat,
  parseCommand,
} from '@callstream/core/internal';
import type { OutboundCommand, PlayAudioCommand } from '@callstream/core/internal';
import type { Dialect } from './options.js';
import type { ViolationCode } from './violations.js';

/** A command the playout model acts on; playAudio audio is decoded at its own sample rate. */
export type CheckedCommand =
  | { event: 'playAudio'; pcm: Int16Array; sampleRate: number }
  | { event: 'checkpoint'; name: string }
  | { event: 'clearAudio' }
  | { event: 'sendDTMF'; digits: string }
  | { event: 'stop' };

/** The result of checking one frame: the action (none when it cannot be used) and what is wrong. */
export interface CheckResult {
  command: CheckedCommand | undefined;
  violations: { code: ViolationCode; message: string }[];
}

const KNOWN_EVENTS = new Set(['playAudio', 'checkpoint', 'clearAudio', 'sendDTMF', 'stop']);
const MAX_MESSAGE_MS = 100;

/**
 * Checks the frames of one call. Stateful: it remembers the first playAudio format, so a later
 * switch is reported.
 *
 * @example
 * const checker = new CommandChecker({ streamId, dialect: 'plivo' });
 * const { command, violations } = checker.check(text);
 */
export class CommandChecker {
  readonly #streamId: string;
  readonly #dialect: Dialect;
  readonly #scratch = createByteScratch();
  #format: { contentType: string; sampleRate: number } | undefined;

  constructor(options: { streamId: string; dialect: Dialect }) {
    this.#streamId = options.streamId;
    this.#dialect = options.dialect;
  }

  /** Checks one text frame. Never throws. */
  check(text: string): CheckResult {
    let parsed: OutboundCommand;
    try {
      parsed = parseCommand(text);
    } catch (err) {
      return { command: undefined, violations: [classify(text, err)] };
    }
    if (parsed.event === 'sendDTMF') {
      return isDtmfDigits(parsed.dtmf)
        ? { command: { event: 'sendDTMF', digits: parsed.dtmf }, violations: [] }
        : reject(
            'invalid-digits',
            `sendDTMF digits ${JSON.stringify(parsed.dtmf)} are not ${DTMF_DIGIT_CLASS}`,
          );
    }
    if (typeof parsed.streamId !== 'string' || parsed.streamId === '') {
      return reject('missing-stream-id', `${parsed.event} has no streamId`);
    }
    if (parsed.streamId !== this.#streamId) {
      return reject(
        'stream-id-mismatch',
        `${parsed.event} is for stream ${parsed.streamId}, this call's is ${this.#streamId}`,
      );
    }
    switch (parsed.event) {
      case 'playAudio':
        return this.#playAudio(parsed);
      case 'checkpoint':
        return { command: { event: 'checkpoint', name: parsed.name }, violations: [] };
      case 'clearAudio':
        return { command: { event: 'clearAudio' }, violations: [] };
      case 'stop':
        return this.#dialect === 'vobiz'
          ? { command: { event: 'stop' }, violations: [] }
          : reject('unsupported-event', 'stop is a Vobiz command; Plivo does not know it');
    }
  }

  #playAudio(command: PlayAudioCommand): CheckResult {
    const { contentType, sampleRate, payload } = command.media;
    if (!isSupportedFormat({ encoding: contentType, sampleRate }, 'outbound', this.#dialect)) {
      return reject(
        'unsupported-format',
        `playAudio ${contentType} at ${sampleRate} Hz cannot be played on ${this.#dialect} (${describeFormats('outbound', this.#dialect)})`,
      );
    }
    const byteLength = decodeBase64Into(payload, this.#scratch);
    if (byteLength < 0) return reject('invalid-base64', 'playAudio payload is not strict base64');
    const mulaw = contentType === 'audio/x-mulaw';
    if (!mulaw && byteLength % 2 !== 0) {
      return reject('odd-length', `L16 payload of ${byteLength} bytes is not whole samples`);
    }
    const bytes = this.#scratch.buffer.subarray(0, byteLength);
    const pcm = decodeWire(bytes, contentType);
    const violations: CheckResult['violations'] = [];
    if (this.#format === undefined) {
      this.#format = { contentType, sampleRate };
    } else if (this.#format.contentType !== contentType || this.#format.sampleRate !== sampleRate) {
      violations.push({
        code: 'format-switched',
        message: `playAudio switched from ${this.#format.contentType} ${this.#format.sampleRate} Hz to ${contentType} ${sampleRate} Hz`,
      });
    }
    const ms = (pcm.length * 1000) / sampleRate;
    if (ms > MAX_MESSAGE_MS) {
      violations.push({
        code: 'message-too-long',
        message: `playAudio carries ${ms} ms of audio; at most ${MAX_MESSAGE_MS} ms per message`,
      });
    }
    if (pcm.length % (sampleRate / 50) !== 0) {
      violations.push({
        code: 'chunk-not-20ms-multiple',
        message: `playAudio carries ${ms} ms of audio, not a multiple of 20 ms`,
      });
    }
    return { command: { event: 'playAudio', pcm, sampleRate }, violations };
  }
}

function reject(code: ViolationCode, message: string): CheckResult {
  return { command: undefined, violations: [{ code, message }] };
}

/** Names the rule a frame broke when `parseCommand` refused it. */
function classify(text: string, err: unknown): { code: ViolationCode; message: string } {
  const reason = isCallstreamError(err) || err instanceof Error ? err.message : String(err);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { code: 'invalid-json', message: `frame is not JSON: ${reason}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { code: 'invalid-message', message: `frame is not a JSON object: ${reason}` };
  }
  const message = raw as Record<string, unknown>;
  if (typeof message.event !== 'string') {
    return { code: 'invalid-message', message: `frame has no string event: ${reason}` };
  }
  if (!KNOWN_EVENTS.has(message.event)) {
    return { code: 'unknown-event', message: `unknown event ${JSON.stringify(message.event)}` };
  }
  const media = message.media as Record<string, unknown> | undefined;
  if (message.event === 'playAudio' && typeof media === 'object' && media !== null) {
    if (typeof media.contentType === 'string' && media.contentType.includes(';')) {
      return {
        code: 'content-type-not-bare',
        message: `contentType ${JSON.stringify(media.contentType)} must be bare (the rate goes in sampleRate)`,
      };
    }
    if (typeof media.sampleRate !== 'number') {
      return {
        code: 'sample-rate-not-number',
        message: `sampleRate must be a number, got ${JSON.stringify(media.sampleRate) ?? 'nothing'}`,
      };
    }
  }
  if (
    message.event !== 'sendDTMF' &&
    (typeof message.streamId !== 'string' || message.streamId === '')
  ) {
    return { code: 'missing-stream-id', message: `${message.event} has no streamId` };
  }
  return { code: 'invalid-command', message: reason };
}

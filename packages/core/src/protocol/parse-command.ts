/**
 * Strict reading of server → platform commands (PROTOCOL.md §3), for the simulator and for tests
 * that check what a server sends. Where `parseMessage` is lenient, this is not: every shape a
 * real platform would mishandle (silence, a dropped command) is an error naming the rule.
 * Checks that need the call's context (its streamId, whole samples, strict base64, a format
 * switch between messages, digit validity) are left to the caller.
 */

import { CallstreamError } from '../errors.js';
import { describe, isRecord, parseJsonObject } from './fields.js';
import type { OutboundCommand, PlayAudioCommand } from './messages.js';

/**
 * Parses one command a server sent.
 *
 * @throws {CallstreamError} `ERR_INVALID_JSON` (not JSON), `ERR_INVALID_MESSAGE` (not an object,
 *   no string `event`, or an event that is not a command: `playAudio`, `checkpoint`,
 *   `clearAudio`, `sendDTMF`, `stop`), `ERR_INVALID_FIELD` (a field missing or of the wrong
 *   type: a `contentType` with a `;rate=` suffix or not `audio/x-l16`/`audio/x-mulaw`, a
 *   `sampleRate` that is not a positive integer number, no `streamId`, a payload that is not a
 *   string, ...). The message names the violation.
 *
 * @example
 * const cmd = parseCommand('{"event":"clearAudio","streamId":"s1"}'); // { event: 'clearAudio', streamId: 's1' }
 * parseCommand('{"event":"playAudio","streamId":"s1","media":{"contentType":"audio/x-mulaw;rate=8000",...}}');
 * // throws ERR_INVALID_FIELD: playAudio media.contentType "audio/x-mulaw;rate=8000" must be bare ...
 */
export function parseCommand(text: string): OutboundCommand {
  const value = parseJsonObject(text, 'Command');
  const event = value.event;
  if (typeof event !== 'string') {
    throw new CallstreamError('ERR_INVALID_MESSAGE', `Command has ${describe(event)} as its event`);
  }
  switch (event) {
    case 'playAudio':
      return parsePlayAudio(value);
    case 'checkpoint': {
      const streamId = requireStreamId(value, event);
      if (typeof value.name !== 'string' || value.name === '') {
        throw invalid(`checkpoint name is ${describe(value.name)}, not a non-empty string`);
      }
      return { event, streamId, name: value.name };
    }
    case 'clearAudio':
      return { event, streamId: requireStreamId(value, event) };
    case 'stop':
      return { event, streamId: requireStreamId(value, event) };
    case 'sendDTMF':
      if (typeof value.dtmf !== 'string') {
        throw invalid(`sendDTMF dtmf is ${describe(value.dtmf)}, not a string of digits`);
      }
      return { event, dtmf: value.dtmf };
    default:
      throw new CallstreamError(
        'ERR_INVALID_MESSAGE',
        `Unknown command event ${describe(event)} (expected playAudio, checkpoint, clearAudio, sendDTMF or stop)`,
      );
  }
}

function parsePlayAudio(value: Record<string, unknown>): PlayAudioCommand {
  const streamId = requireStreamId(value, 'playAudio');
  const media = value.media;
  if (!isRecord(media)) throw invalid(`playAudio media is ${describe(media)}, not an object`);
  const { contentType, sampleRate, payload } = media;
  if (typeof contentType === 'string' && contentType.includes(';')) {
    throw invalid(
      `playAudio media.contentType ${describe(contentType)} must be bare: the rate goes in sampleRate (a suffix gives a silent call)`,
    );
  }
  if (contentType !== 'audio/x-l16' && contentType !== 'audio/x-mulaw') {
    throw invalid(
      `playAudio media.contentType is ${describe(contentType)}, not audio/x-l16 or audio/x-mulaw`,
    );
  }
  if (typeof sampleRate !== 'number') {
    throw invalid(
      `playAudio media.sampleRate is ${describe(sampleRate)}, not a number (a missing or string rate gives a silent call)`,
    );
  }
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw invalid(`playAudio media.sampleRate ${sampleRate} is not a positive integer`);
  }
  if (typeof payload !== 'string') {
    throw invalid(`playAudio media.payload is ${describe(payload)}, not a base64 string`);
  }
  return { event: 'playAudio', streamId, media: { contentType, sampleRate, payload } };
}

function requireStreamId(value: Record<string, unknown>, event: string): string {
  const streamId = value.streamId;
  if (typeof streamId !== 'string' || streamId === '') {
    throw invalid(
      `${event} streamId is ${describe(streamId)}, not a non-empty string (Vobiz requires it)`,
    );
  }
  return streamId;
}

function invalid(detail: string): CallstreamError {
  return new CallstreamError('ERR_INVALID_FIELD', `Invalid command: ${detail}`);
}

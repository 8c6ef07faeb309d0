import type { CallstreamErrorCode } from '@callstream/core';
import { ERROR_CODES, isDtmfDigit } from '@callstream/core/internal';
import type { EdgeEvent, Offer, WorkerCommand } from './wire.js';

/**
 * The one place where JSON from the other side of a call is narrowed: into the typed events
 * (edge → worker) and commands (worker → edge) of wire.ts, or `undefined` for anything else
 * (counted as malformed and ignored by the caller). Past this point code sees typed messages.
 */

type Json = Record<string, unknown>;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isTrack = (v: unknown): v is 'inbound' | 'outbound' => v === 'inbound' || v === 'outbound';
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const STATUSES: readonly unknown[] = ['played', 'interrupted', 'closed'];
const ENCODINGS: readonly unknown[] = ['pcm', 'audio/x-mulaw', 'audio/x-l16'];

/** A close code an application may send (1000, 3000-4999) and a reason that fits a close frame (123 bytes). */
export function isCloseFrame(code: unknown, reason: unknown): code is number {
  return (
    isInt(code) &&
    (code === 1000 || (code >= 3000 && code <= 4999)) &&
    isStr(reason) &&
    Buffer.byteLength(reason) <= 123
  );
}

/** An edge → worker event, or undefined. */
export function parseEdgeEvent(m: Json): EdgeEvent | undefined {
  switch (m.ev) {
    case 'attach':
      return isInt(m.wireRate) && m.wireRate > 0
        ? { ev: 'attach', wireRate: m.wireRate }
        : undefined;
    case 'hb':
      return { ev: 'hb' };
    case 'dtmf':
      return isStr(m.digit) && isDtmfDigit(m.digit) && isTrack(m.track) && isNum(m.timestamp)
        ? { ev: 'dtmf', digit: m.digit, track: m.track, timestamp: m.timestamp }
        : undefined;
    case 'playedStream':
      return isStr(m.name) ? { ev: 'playedStream', name: m.name } : undefined;
    case 'clearedAudio':
      return { ev: 'clearedAudio' };
    case 'stop':
      return m.reason === undefined || isStr(m.reason)
        ? { ev: 'stop', reason: m.reason }
        : undefined;
    case 'unknown':
      return isObject(m.message) ? { ev: 'unknown', message: m.message } : undefined;
    case 'frameError':
      return isStr(m.code) && isStr(m.message)
        ? { ev: 'frameError', code: m.code, message: m.message }
        : undefined;
    case 'playback':
      return isInt(m.id) && STATUSES.includes(m.status) && isNum(m.playedMs)
        ? {
            ev: 'playback',
            id: m.id,
            status: m.status as 'played' | 'interrupted' | 'closed',
            playedMs: m.playedMs,
          }
        : undefined;
    case 'ack':
      return isInt(m.id) ? { ev: 'ack', id: m.id } : undefined;
    case 'reply': {
      if (!isInt(m.req)) return undefined;
      if (m.value !== undefined && typeof m.value !== 'boolean') return undefined;
      const e = m.error;
      if (e !== undefined && !(isObject(e) && isStr(e.code) && isStr(e.message))) return undefined;
      return {
        ev: 'reply',
        req: m.req,
        ...(m.value !== undefined && { value: m.value }),
        ...(isObject(e) && { error: { code: e.code as string, message: e.message as string } }),
      };
    }
    case 'close':
      return isInt(m.code) && isStr(m.reason)
        ? { ev: 'close', code: m.code, reason: m.reason }
        : undefined;
    default:
      return undefined;
  }
}

/** A worker → edge command, or undefined. */
export function parseWorkerCommand(m: Json): WorkerCommand | undefined {
  switch (m.op) {
    case 'hb':
      return { op: 'hb' };
    case 'play':
      if (!isInt(m.id) || !isStr(m.name) || m.name === '' || typeof m.streaming !== 'boolean')
        return undefined;
      if (m.sampleRate !== undefined && !isInt(m.sampleRate)) return undefined;
      if (m.encoding !== undefined && !ENCODINGS.includes(m.encoding)) return undefined;
      return {
        op: 'play',
        id: m.id,
        name: m.name,
        streaming: m.streaming,
        ...(isInt(m.sampleRate) && { sampleRate: m.sampleRate }),
        ...(m.encoding !== undefined && {
          encoding: m.encoding as 'pcm' | 'audio/x-mulaw' | 'audio/x-l16',
        }),
      };
    case 'end':
      if (!isInt(m.id) || (m.error !== undefined && !isStr(m.error))) return undefined;
      return { op: 'end', id: m.id, ...(isStr(m.error) && { error: m.error }) };
    case 'cancel':
      return isInt(m.id) && isInt(m.req) ? { op: 'cancel', id: m.id, req: m.req } : undefined;
    case 'checkpoint':
      return isStr(m.name) && m.name !== '' && isInt(m.req)
        ? { op: 'checkpoint', name: m.name, req: m.req }
        : undefined;
    case 'clear':
      return isInt(m.req) ? { op: 'clear', req: m.req } : undefined;
    case 'dtmf':
      return isStr(m.digits) && isInt(m.req)
        ? { op: 'dtmf', digits: m.digits, req: m.req }
        : undefined;
    case 'close':
      return isCloseFrame(m.code, m.reason)
        ? { op: 'close', code: m.code, reason: m.reason as string }
        : undefined;
    default:
      return undefined;
  }
}

/** Narrows an offer from the wire once; a worker runs nothing on a malformed one. */
export function isOffer(
  o: Record<string, unknown> | undefined,
): o is Offer & Record<string, unknown> {
  if (o === undefined || o.v !== 1) return false;
  const format = o.format as Record<string, unknown> | null | undefined;
  return (
    isStr(o.session) &&
    /^[A-Za-z0-9_-]+$/.test(o.session) &&
    typeof o.attempt === 'number' &&
    isStr(o.callId) &&
    isStr(o.streamId) &&
    isStr(o.accountId) &&
    Array.isArray(o.tracks) &&
    o.tracks.every((t) => t === 'inbound' || t === 'outbound') &&
    typeof format === 'object' &&
    format !== null &&
    isStr(format.encoding) &&
    typeof format.sampleRate === 'number' &&
    typeof o.extraHeaders === 'object' &&
    o.extraHeaders !== null &&
    typeof o.heartbeatMs === 'number' &&
    Number.isInteger(o.heartbeatMs) &&
    o.heartbeatMs > 0
  );
}

/** An error code from the edge as one of ours (an edge of another version may know more codes). */
export function edgeErrorCode(code: string): CallstreamErrorCode {
  return code in ERROR_CODES ? (code as CallstreamErrorCode) : 'ERR_HANDLER';
}

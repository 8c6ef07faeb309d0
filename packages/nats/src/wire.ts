import type { AudioFrame, MediaFormat, Track } from '@callstream/core';

/**
 * The messages between an edge and a worker. Each call has two subjects under the prefix:
 * `<prefix>.call.<session>.w` (edge → worker) and `<prefix>.call.<session>.e` (worker → edge).
 * A message is either JSON (its first byte is `{`) or binary audio (its first byte is a kind
 * below), so audio and the events around it travel on one subject, in order.
 */

/** Edge → worker: one decoded audio frame. */
export const KIND_FRAME = 0x01;
/** Worker → edge: a chunk of a playback's audio. */
export const KIND_PLAY_CHUNK = 0x02;

/**
 * Audio frame: a 24-byte header, then the PCM, signed 16-bit little-endian mono.
 *
 * | bytes | field                                      |
 * | ----- | ------------------------------------------ |
 * | 0     | kind (`0x01`)                              |
 * | 1     | track (0 inbound, 1 outbound)              |
 * | 2-3   | reserved (0)                               |
 * | 4-7   | sampleRate, u32                            |
 * | 8-11  | chunk, u32                                 |
 * | 12-15 | sequenceNumber, i32 (-1 when absent)       |
 * | 16-23 | timestamp in ms, f64                       |
 */
export const FRAME_HEADER_BYTES = 24;

/**
 * Playback chunk: an 8-byte header, then the bytes as given to `playAudio` (PCM LE, or mu-law).
 *
 * | bytes | field                    |
 * | ----- | ------------------------ |
 * | 0     | kind (`0x02`)            |
 * | 1     | 1: Int16 PCM LE (whatever the playback's encoding), 0: bytes as given |
 * | 2-3   | reserved (0)             |
 * | 4-7   | playback id, u32         |
 */
export const CHUNK_HEADER_BYTES = 8;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes one frame into a new buffer (the NATS client keeps it until written). */
export function encodeFrame(frame: AudioFrame): Uint8Array {
  const samples = frame.samples;
  const out = new Uint8Array(FRAME_HEADER_BYTES + samples.length * 2);
  const view = new DataView(out.buffer);
  out[0] = KIND_FRAME;
  out[1] = frame.track === 'inbound' ? 0 : 1;
  view.setUint32(4, frame.sampleRate, true);
  view.setUint32(8, frame.chunk >>> 0, true);
  view.setInt32(12, frame.sequenceNumber | 0, true);
  view.setFloat64(16, frame.timestamp, true);
  if (LITTLE_ENDIAN) {
    out.set(
      new Uint8Array(samples.buffer, samples.byteOffset, samples.length * 2),
      FRAME_HEADER_BYTES,
    );
  } else {
    for (let i = 0; i < samples.length; i++)
      view.setInt16(FRAME_HEADER_BYTES + i * 2, samples[i] as number, true);
  }
  return out;
}

/** Decodes a frame; `samples` is a view on `data` when it is aligned, else a copy. Throws on a bad frame. */
export function decodeFrame(data: Uint8Array): AudioFrame {
  if (data.length < FRAME_HEADER_BYTES || data[0] !== KIND_FRAME || (data.length & 1) !== 0) {
    throw new RangeError(`Not an audio frame (${data.length} bytes)`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const track: Track = data[1] === 0 ? 'inbound' : 'outbound';
  const count = (data.length - FRAME_HEADER_BYTES) / 2;
  const start = data.byteOffset + FRAME_HEADER_BYTES;
  let samples: Int16Array;
  if (LITTLE_ENDIAN && start % 2 === 0) samples = new Int16Array(data.buffer, start, count);
  else {
    samples = new Int16Array(count);
    for (let i = 0; i < count; i++) samples[i] = view.getInt16(FRAME_HEADER_BYTES + i * 2, true);
  }
  return {
    track,
    samples,
    sampleRate: view.getUint32(4, true),
    chunk: view.getUint32(8, true),
    sequenceNumber: view.getInt32(12, true),
    timestamp: view.getFloat64(16, true),
  };
}

/** Encodes a playback chunk: the header, then `bytes`. */
export function encodeChunk(id: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER_BYTES + bytes.length);
  out[0] = KIND_PLAY_CHUNK;
  new DataView(out.buffer).setUint32(4, id, true);
  out.set(bytes, CHUNK_HEADER_BYTES);
  return out;
}

/** Decodes a playback chunk: its playback id and a view on its bytes. */
export function decodeChunk(data: Uint8Array): { id: number; audio: Int16Array | Uint8Array } {
  if (data.length < CHUNK_HEADER_BYTES || data[0] !== KIND_PLAY_CHUNK) {
    throw new RangeError(`Not a playback chunk (${data.length} bytes)`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const id = view.getUint32(4, true);
  if (data[1] !== 1) return { id, audio: data.slice(CHUNK_HEADER_BYTES) };
  if ((data.length & 1) !== 0) throw new RangeError('Odd length of an Int16 playback chunk');
  const pcm = new Int16Array((data.length - CHUNK_HEADER_BYTES) / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(CHUNK_HEADER_BYTES + i * 2, true);
  return { id, audio: pcm };
}

/** The bytes of an Int16Array, little-endian (a view when the host is little-endian). */
export function pcmBytes(pcm: Int16Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const out = new Uint8Array(pcm.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i] as number, true);
  return out;
}

/** What the edge offers to the pool (JSON on `<prefix>.offer`, a NATS request). */
export interface Offer {
  v: 1;
  /** The session: names the call's two subjects. New for every offer, re-offers included. */
  session: string;
  attempt: number;
  callId: string;
  streamId: string;
  accountId: string;
  tracks: Track[];
  format: MediaFormat;
  extraHeaders: Record<string, string>;
  /** The edge's heartbeat interval, in ms: the worker sends its own at the same rate. */
  heartbeatMs: number;
}

/** A worker's answer to an offer. */
export type OfferReply = { accept: true; worker: string } | { accept: false; worker: string };

/** Edge → worker events (JSON). */
export type EdgeEvent =
  | { ev: 'attach'; wireRate: number }
  | { ev: 'hb' }
  | { ev: 'dtmf'; digit: string; track: Track; timestamp: number }
  | { ev: 'playedStream'; name: string }
  | { ev: 'clearedAudio' }
  | { ev: 'stop'; reason: string | undefined }
  | { ev: 'unknown'; message: Record<string, unknown> }
  | { ev: 'frameError'; code: string; message: string }
  | { ev: 'playback'; id: number; status: 'played' | 'interrupted' | 'closed'; playedMs: number }
  | { ev: 'ack'; id: number }
  | { ev: 'reply'; req: number; value?: boolean; error?: { code: string; message: string } }
  | { ev: 'close'; code: number; reason: string };

/** Worker → edge commands (JSON). */
export type WorkerCommand =
  | { op: 'hb' }
  | {
      op: 'play';
      id: number;
      name: string;
      streaming: boolean;
      sampleRate?: number;
      encoding?: 'pcm' | 'audio/x-mulaw' | 'audio/x-l16';
    }
  | { op: 'end'; id: number; error?: string }
  | { op: 'cancel'; id: number; req: number }
  | { op: 'checkpoint'; name: string; req: number }
  | { op: 'clear'; req: number }
  | { op: 'dtmf'; digits: string; req: number }
  | { op: 'close'; code: number; reason: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(message: EdgeEvent | WorkerCommand | Offer | OfferReply): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

/** Parses a JSON message; undefined when it is not a JSON object. */
export function decodeJson(data: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(data));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** True for JSON messages (`{`), false for binary audio. */
export function isJson(data: Uint8Array): boolean {
  return data[0] === 0x7b;
}

/** The subjects of one session. */
export function sessionSubjects(
  prefix: string,
  session: string,
): { toWorker: string; toEdge: string } {
  return { toWorker: `${prefix}.call.${session}.w`, toEdge: `${prefix}.call.${session}.e` };
}

export function offerSubject(prefix: string): string {
  return `${prefix}.offer`;
}

const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Throws a `TypeError` unless `prefix` is a valid NATS subject prefix without wildcards. */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !SUBJECT_PREFIX.test(prefix)) {
    throw new TypeError(
      `Invalid option "prefix": dot-separated tokens of letters, digits, "-" and "_" (got ${String(prefix)})`,
    );
  }
  return prefix;
}

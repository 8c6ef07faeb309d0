import { describe, expect, it } from 'vitest';
import {
  CHUNK_HEADER_BYTES,
  decodeChunk,
  decodeFrame,
  encodeChunk,
  encodeFrame,
  FRAME_HEADER_BYTES,
} from './wire.js';

describe('the wire format between edge and worker', () => {
  it('encodes a frame as a 24-byte little-endian header and Int16 LE PCM, byte for byte', () => {
    const bytes = encodeFrame({
      track: 'outbound',
      samples: new Int16Array([1, -2, 0x1234]),
      sampleRate: 16000,
      timestamp: 1.5,
      chunk: 258,
      sequenceNumber: -1,
    });
    expect(FRAME_HEADER_BYTES).toBe(24);
    expect([...bytes]).toEqual([
      0x01,
      1,
      0,
      0, // kind, track (outbound), reserved
      0x80,
      0x3e,
      0,
      0, // 16000
      0x02,
      0x01,
      0,
      0, // chunk 258
      0xff,
      0xff,
      0xff,
      0xff, // sequenceNumber -1
      0,
      0,
      0,
      0,
      0,
      0,
      0xf8,
      0x3f, // 1.5 as f64 LE
      0x01,
      0x00,
      0xfe,
      0xff,
      0x34,
      0x12, // 1, -2, 0x1234
    ]);
    expect(decodeFrame(bytes)).toEqual({
      track: 'outbound',
      samples: new Int16Array([1, -2, 0x1234]),
      sampleRate: 16000,
      timestamp: 1.5,
      chunk: 258,
      sequenceNumber: -1,
    });
  });

  it('decodes a frame at an odd offset of a larger buffer (copying the samples)', () => {
    const frame = encodeFrame({
      track: 'inbound',
      samples: new Int16Array([-32768, 32767]),
      sampleRate: 8000,
      timestamp: 1_700_000_000_123,
      chunk: 1,
      sequenceNumber: 7,
    });
    const shifted = new Uint8Array(frame.length + 1);
    shifted.set(frame, 1);
    const decoded = decodeFrame(shifted.subarray(1));
    expect([...decoded.samples]).toEqual([-32768, 32767]);
    expect(decoded.timestamp).toBe(1_700_000_000_123);
    expect(decoded.track).toBe('inbound');
  });

  it('rejects what is not a frame: too short, another kind, half a sample', () => {
    expect(() => decodeFrame(new Uint8Array(10))).toThrow(RangeError);
    const frame = encodeFrame({
      track: 'inbound',
      samples: new Int16Array(4),
      sampleRate: 8000,
      timestamp: 0,
      chunk: 1,
      sequenceNumber: 1,
    });
    expect(() => decodeFrame(frame.subarray(0, frame.length - 1))).toThrow(RangeError);
    frame[0] = 0x02;
    expect(() => decodeFrame(frame)).toThrow(RangeError);
  });

  it('carries playback chunks as bytes, or as Int16 PCM when flagged', () => {
    const raw = encodeChunk(0x01020304, new Uint8Array([0xff, 0x7f, 0x00]));
    expect([...raw]).toEqual([0x02, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0xff, 0x7f, 0x00]);
    expect(CHUNK_HEADER_BYTES).toBe(8);
    expect(decodeChunk(raw)).toEqual({ id: 0x01020304, audio: new Uint8Array([0xff, 0x7f, 0x00]) });
    const pcm = encodeChunk(9, new Uint8Array([0x01, 0x00, 0xfe, 0xff]));
    pcm[1] = 1;
    expect(decodeChunk(pcm)).toEqual({ id: 9, audio: new Int16Array([1, -2]) });
    expect(() => decodeChunk(new Uint8Array([0x01, 0, 0, 0, 0, 0, 0, 0]))).toThrow(RangeError);
  });
});

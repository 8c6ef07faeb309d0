import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CallstreamErrorCode } from '../errors.js';
import { isCallstreamError } from '../errors.js';
import type { MediaFormat } from '../protocol/messages.js';
import {
  createFrameDecoder,
  createFrameEncoder,
  createWireEncoder,
  decodeWire,
} from './frame-codec.js';
import { decodeMulaw, encodeMulaw } from './mulaw.js';

const MULAW: MediaFormat = { encoding: 'audio/x-mulaw', sampleRate: 8000 };
const L16_16K: MediaFormat = { encoding: 'audio/x-l16', sampleRate: 16000 };
const VECTOR_SAMPLES = [0, 1, -1, 256, -256, 32767, -32768];
const VECTOR_BASE64 = 'AAABAP//AAEA//9/AIA=';

function codeOf(fn: () => unknown): CallstreamErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (isCallstreamError(err)) return err.code;
    throw err;
  }
  return undefined;
}

describe('createFrameDecoder', () => {
  it('decodes a mu-law payload to PCM', () => {
    const decode = createFrameDecoder(MULAW);
    const payload = Buffer.from([0x00, 0x7f, 0x80, 0xff]).toString('base64');
    expect(Array.from(decode(payload))).toEqual([-32124, 0, 32124, 0]);
  });

  it('decodes an L16 payload as little-endian at every L16 rate', () => {
    for (const sampleRate of [8000, 16000, 24000]) {
      const decode = createFrameDecoder({ encoding: 'audio/x-l16', sampleRate });
      expect(Array.from(decode(VECTOR_BASE64))).toEqual(VECTOR_SAMPLES);
    }
  });

  it('decodes an empty payload to no samples', () => {
    expect(createFrameDecoder(MULAW)('')).toHaveLength(0);
    expect(createFrameDecoder(L16_16K)('')).toHaveLength(0);
  });

  it('rejects unsupported formats with ERR_UNSUPPORTED_FORMAT', () => {
    const formats = [
      { encoding: 'audio/x-mulaw', sampleRate: 16000 },
      { encoding: 'audio/x-l16', sampleRate: 11025 },
      // No platform sends or plays L16 48 kHz (PROTOCOL.md §4): refused both ways.
      { encoding: 'audio/x-l16', sampleRate: 48000 },
      { encoding: 'audio/x-alaw', sampleRate: 8000 },
      { encoding: 'audio/x-mulaw;rate=8000', sampleRate: 8000 },
    ] as unknown as MediaFormat[];
    for (const format of formats) {
      expect(codeOf(() => createFrameDecoder(format))).toBe('ERR_UNSUPPORTED_FORMAT');
      expect(codeOf(() => createFrameEncoder(format))).toBe('ERR_UNSUPPORTED_FORMAT');
    }
  });

  it('rejects payloads that are not strict base64 with ERR_INVALID_BASE64', () => {
    for (const format of [MULAW, L16_16K]) {
      const decode = createFrameDecoder(format);
      for (const payload of ['AAA', 'AA-_', 'AA A', 'AA==AAAA', 'AB==', '\u0141AAA']) {
        expect(codeOf(() => decode(payload))).toBe('ERR_INVALID_BASE64');
      }
    }
  });

  it('drops an L16 payload of odd length with ERR_ODD_LENGTH and goes on', () => {
    const decode = createFrameDecoder(L16_16K);
    const before = decode(VECTOR_BASE64);
    expect(codeOf(() => decode('AAAA'))).toBe('ERR_ODD_LENGTH'); // 3 bytes
    expect(codeOf(() => decode(Buffer.alloc(641).toString('base64')))).toBe('ERR_ODD_LENGTH');
    const after = decode(VECTOR_BASE64);
    expect(Array.from(after)).toEqual(VECTOR_SAMPLES);
    expect(Array.from(before)).toEqual(VECTOR_SAMPLES);
  });

  it('never overwrites a frame handed out earlier', () => {
    for (const format of [MULAW, L16_16K]) {
      const decode = createFrameDecoder(format);
      const payloads = Array.from({ length: 600 }, () => randomBytes(640).toString('base64'));
      const frames = payloads.map((payload) => decode(payload));
      const reference = (payload: string): Int16Array =>
        format === MULAW
          ? decodeMulaw(Buffer.from(payload, 'base64'))
          : new Int16Array(new Uint8Array(Buffer.from(payload, 'base64')).buffer);
      const wrong = frames.filter((frame, i) => !sameSamples(frame, reference(payloads[i]!)));
      expect(wrong).toHaveLength(0);
    }
  });

  it('amortizes allocation over slabs of 80 ms of audio, which a held frame keeps alive at most', () => {
    // Slabs this short die young (no promotion to V8's old space, so no full GC a second for
    // freed audio); the bench's server section shows the RSS and late-frame effect.
    for (const [format, bytes, slabBytes] of [
      [MULAW, 160, 1280], // 8 kHz: 4 frames of 160 samples, 320 bytes each
      [L16_16K, 640, 2560], // 16 kHz: 4 frames of 320 samples
    ] as const) {
      const decode = createFrameDecoder(format);
      const payload = randomBytes(bytes).toString('base64');
      const buffers = new Set<ArrayBufferLike>();
      let previous: Int16Array | undefined;
      let contiguous = 0;
      for (let i = 0; i < 10_000; i++) {
        const frame = decode(payload);
        buffers.add(frame.buffer);
        if (previous?.buffer === frame.buffer) {
          expect(frame.byteOffset).toBe(previous.byteOffset + previous.byteLength);
          contiguous++;
        }
        previous = frame;
      }
      expect([...buffers].every((b) => b.byteLength === slabBytes)).toBe(true);
      expect(buffers.size).toBe(10_000 / 4); // where one array per frame is 10,000
      expect(contiguous).toBe(10_000 - buffers.size);
    }
  });

  it('gives each decoder slabs of its own: frames of two streams never share memory', () => {
    const a = createFrameDecoder(MULAW);
    const b = createFrameDecoder(MULAW);
    const c = createFrameDecoder(L16_16K);
    const buffersOf = new Map<ArrayBufferLike, string>();
    for (let i = 0; i < 300; i++) {
      for (const [name, frame] of [
        ['a', a(randomBytes(160).toString('base64'))],
        ['b', b(randomBytes(160).toString('base64'))],
        ['c', c(randomBytes(640).toString('base64'))],
      ] as const) {
        expect(buffersOf.get(frame.buffer) ?? name).toBe(name);
        buffersOf.set(frame.buffer, name);
      }
    }
  });

  it('never writes a handed-out frame again, even when a later payload fails to decode', () => {
    for (const format of [MULAW, L16_16K]) {
      const decode = createFrameDecoder(format);
      const bytes = format === MULAW ? 160 : 640;
      const held = Array.from({ length: 200 }, () => {
        const frame = decode(randomBytes(bytes).toString('base64'));
        // A stray character mid-way: Node decodes up to it (into the slab, for L16) first.
        const bad = randomBytes(bytes).toString('base64');
        expect(() => decode(`${bad.slice(0, 100)}!${bad.slice(101)}`)).toThrow(
          expect.objectContaining({ code: 'ERR_INVALID_BASE64' }),
        );
        return { frame, copy: frame.slice() };
      });
      for (let i = 0; i < 500; i++) decode(randomBytes(bytes).toString('base64'));
      for (const { frame, copy } of held) expect(sameSamples(frame, copy)).toBe(true);
    }
  });

  it('decodes a frame larger than a slab', () => {
    const pcm = Int16Array.from({ length: 48_000 }, (_, i) => (i * 31) % 65536);
    const frame = createFrameDecoder(L16_16K)(Buffer.from(pcm.buffer).toString('base64'));
    expect(sameSamples(frame, pcm)).toBe(true);
  });
});

describe('createFrameEncoder', () => {
  it('encodes PCM to the base64 L16 payload', () => {
    const encode = createFrameEncoder(L16_16K);
    expect(encode(Int16Array.from(VECTOR_SAMPLES))).toBe(VECTOR_BASE64);
  });

  it('encodes PCM to the base64 mu-law payload', () => {
    const encode = createFrameEncoder(MULAW);
    expect(encode(Int16Array.of(0, 32767, -32768, -8, 8))).toBe(
      Buffer.from([0xff, 0x80, 0x00, 0x7e, 0xfe]).toString('base64'),
    );
  });

  it('round-trips through the decoder, across growing frame sizes', () => {
    for (const format of [MULAW, L16_16K]) {
      const encode = createFrameEncoder(format);
      const decode = createFrameDecoder(format);
      for (const samples of [160, 4000, 3, 20_000, 160]) {
        const pcm = Int16Array.from({ length: samples }, (_, i) => ((i * 7919) % 65536) - 32768);
        const expected = format === MULAW ? decodeMulaw(encodeMulaw(pcm)) : pcm;
        expect(sameSamples(decode(encode(pcm)), expected)).toBe(true);
      }
    }
  });
});

describe('createWireEncoder', () => {
  it('gives the wire bytes of the known vectors', () => {
    expect(Buffer.from(createWireEncoder(L16_16K)(Int16Array.from(VECTOR_SAMPLES)))).toEqual(
      Buffer.from(VECTOR_BASE64, 'base64'),
    );
    expect(Array.from(createWireEncoder(MULAW)(Int16Array.of(0, 32767, -32768, -8, 8)))).toEqual([
      0xff, 0x80, 0x00, 0x7e, 0xfe,
    ]);
  });

  it('gives the bytes of the base64 the frame encoder gives, across growing frame sizes', () => {
    for (const format of [MULAW, L16_16K]) {
      const wire = createWireEncoder(format);
      const encode = createFrameEncoder(format);
      for (const samples of [160, 4000, 3, 20_000, 0, 160]) {
        const pcm = Int16Array.from({ length: samples }, (_, i) => ((i * 7919) % 65536) - 32768);
        expect(Buffer.from(wire(pcm)).toString('base64')).toBe(encode(pcm));
      }
    }
    expect(codeOf(() => createWireEncoder({ encoding: 'audio/x-mulaw', sampleRate: 16000 }))).toBe(
      'ERR_UNSUPPORTED_FORMAT',
    );
  });
});

describe('decodeWire', () => {
  it('decodes both wire encodings to PCM', () => {
    expect(Array.from(decodeWire(Buffer.from(VECTOR_BASE64, 'base64'), 'audio/x-l16'))).toEqual(
      VECTOR_SAMPLES,
    );
    expect(Array.from(decodeWire(Uint8Array.of(0xff, 0x80), 'audio/x-mulaw'))).toEqual([0, 32124]);
  });

  it('rejects another encoding with ERR_UNSUPPORTED_FORMAT', () => {
    const alaw = 'audio/x-alaw' as unknown as 'audio/x-l16';
    expect(codeOf(() => decodeWire(new Uint8Array(2), alaw))).toBe('ERR_UNSUPPORTED_FORMAT');
  });
});

function sameSamples(a: Int16Array, b: Int16Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}

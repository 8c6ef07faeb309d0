import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import type { AudioFrame, CallstreamError } from '@callstream/core';
import { le16 } from './helpers/fake-platform.js';
import { collect, startServer } from './helpers/server.js';

/** 8 frames of mu-law bytes covering all 256 codes, plus the reference decode from alawmulaw. */
function mulawFrames(): { frames: Uint8Array[]; expected: Int16Array } {
  const bytes = new Uint8Array(160 * 8);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) & 0xff;
  const frames = Array.from({ length: 8 }, (_, k) => bytes.subarray(k * 160, (k + 1) * 160));
  return { frames, expected: alawmulaw.mulaw.decode(bytes) };
}

function ramp(n: number, seed: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i * 2654 + seed * 977) % 65536) - 32768;
  return out;
}

const concat = (frames: AudioFrame[]): Int16Array => {
  const out = new Int16Array(frames.reduce((n, f) => n + f.samples.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f.samples, at);
    at += f.samples.length;
  }
  return out;
};

describe('inbound audio', () => {
  it('decodes mu-law 8 kHz frames sample-exactly, with metadata from start', async () => {
    const { connect, nextStream } = await startServer();
    const streamP = nextStream();
    const platform = await connect();
    platform.start({ callId: 'c-1', streamId: 's-1', extraHeaders: 'userId=12345;sessionId=abc' });
    const stream = await streamP;
    expect(stream.callId).toBe('c-1');
    expect(stream.streamId).toBe('s-1');
    expect(stream.accountId).toBe('MAZDQ5ZTM4ODI1NTEwYT');
    expect(stream.tracks).toEqual(['inbound']);
    expect(stream.format).toEqual({ encoding: 'audio/x-mulaw', sampleRate: 8000 });
    expect(stream.extraHeaders).toEqual({ userId: '12345', sessionId: 'abc' });
    const { frames, expected } = mulawFrames();
    for (const f of frames) platform.media(f);
    const got = collect(stream);
    await platform.close();
    const received = await got;
    expect(received.map((f) => f.chunk)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(received.every((f) => f.sampleRate === 8000 && f.samples.length === 160)).toBe(true);
    expect(received[0]?.timestamp).toBe(1_705_312_200_020);
    expect(Array.from(concat(received))).toEqual(Array.from(expected));
  });

  for (const rate of [8000, 16000, 24000]) {
    it(`decodes little-endian L16 at ${rate} Hz sample-exactly`, async () => {
      const { connect, nextStream } = await startServer();
      const streamP = nextStream();
      const platform = await connect();
      platform.start({ encoding: 'audio/x-l16', sampleRate: rate });
      const stream = await streamP;
      const n = rate / 50;
      const pcm = ramp(n * 5, rate);
      for (let k = 0; k < 5; k++) platform.media(le16(pcm.subarray(k * n, (k + 1) * n)));
      const got = collect(stream.frames());
      await platform.close();
      const frames = await got;
      expect(frames).toHaveLength(5);
      expect(frames.every((f) => f.samples.length === n && f.sampleRate === rate)).toBe(true);
      expect(Array.from(concat(frames))).toEqual(Array.from(pcm));
    });
  }

  it('keeps the PROTOCOL.md L16 vector little-endian', async () => {
    const { connect, nextStream } = await startServer();
    const streamP = nextStream();
    const platform = await connect();
    platform.start({ encoding: 'audio/x-l16', sampleRate: 8000 });
    const stream = await streamP;
    platform.send({
      event: 'media',
      streamId: 'stream-1',
      media: { track: 'inbound', timestamp: '1000', chunk: 1, payload: 'AAABAP//AAEA//9/AIA=' },
    });
    const got = collect(stream);
    await platform.close();
    const [frame] = await got;
    expect(Array.from(frame?.samples ?? [])).toEqual([0, 1, -1, 256, -256, 32767, -32768]);
  });

  it('separates the inbound and outbound tracks, each with its own chunk counter', async () => {
    const { connect, nextStream } = await startServer();
    const streamP = nextStream();
    const platform = await connect();
    platform.start({ encoding: 'audio/x-l16', sampleRate: 8000, tracks: ['inbound', 'outbound'] });
    const stream = await streamP;
    const inbound = collect(stream.frames({ track: 'inbound' }));
    const outbound = collect(stream.frames({ track: 'outbound' }));
    const all = collect(stream);
    for (let k = 0; k < 4; k++) {
      platform.media(le16(new Array(160).fill(100 + k)), 'inbound');
      platform.media(le16(new Array(160).fill(-100 - k)), 'outbound');
    }
    await platform.close();
    const [ins, outs, both] = await Promise.all([inbound, outbound, all]);
    expect(ins.map((f) => [f.track, f.chunk, f.samples[0]])).toEqual([
      ['inbound', 1, 100],
      ['inbound', 2, 101],
      ['inbound', 3, 102],
      ['inbound', 4, 103],
    ]);
    expect(outs.map((f) => [f.track, f.chunk, f.samples[159]])).toEqual([
      ['outbound', 1, -100],
      ['outbound', 2, -101],
      ['outbound', 3, -102],
      ['outbound', 4, -103],
    ]);
    expect(both.map((f) => f.track)).toEqual([
      'inbound',
      'outbound',
      'inbound',
      'outbound',
      'inbound',
      'outbound',
      'inbound',
      'outbound',
    ]);
    expect(stream.stats.frames).toEqual({ inbound: 4, outbound: 4 });
  });

  it('keeps audio that arrives before the first consumer and hands it to that consumer', async () => {
    const { server, connect } = await startServer();
    const frames: Promise<AudioFrame[]> = new Promise((resolve) => {
      server.on('stream', async (stream) => {
        await new Promise((r) => setTimeout(r, 300)); // slow per-call setup
        resolve(collect(stream));
      });
    });
    const platform = await connect();
    platform.start();
    for (let k = 0; k < 10; k++) platform.media(new Uint8Array(160).fill(k));
    await new Promise((r) => setTimeout(r, 100));
    await platform.close();
    const got = await frames;
    expect(got.map((f) => f.chunk)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(got[3]?.samples[0]).toBe(alawmulaw.mulaw.decodeSample(3));
  });

  it('delivers early audio to the first media listener too', async () => {
    const { connect, nextStream } = await startServer();
    const streamP = nextStream();
    const platform = await connect();
    platform.start();
    platform.media(new Uint8Array(160).fill(0x10));
    platform.media(new Uint8Array(160).fill(0x20));
    const stream = await streamP;
    await new Promise((r) => setTimeout(r, 100));
    const chunks: number[] = [];
    stream.on('media', (f) => chunks.push(f.chunk));
    platform.media(new Uint8Array(160).fill(0x30));
    await platform.close();
    await stream.closed;
    expect(chunks).toEqual([1, 2, 3]);
  });

  it('emits dtmf, stop and unknown events', async () => {
    const { connect, nextStream } = await startServer();
    const streamP = nextStream();
    const platform = await connect();
    platform.start();
    const stream = await streamP;
    const seen: unknown[] = [];
    stream.on('dtmf', (d) => seen.push(['dtmf', d]));
    stream.on('stop', (s) => seen.push(['stop', s]));
    stream.on('unknown', (m) => seen.push(['unknown', m.event]));
    platform.dtmf('5');
    platform.send({ event: 'playFailed', streamId: 'stream-1', reason: 'x' });
    platform.send({ event: 'stop', sequenceNumber: 9, streamId: 'stream-1', reason: 'hangup' });
    await new Promise((r) => setTimeout(r, 100));
    expect(stream.isClosed).toBe(false); // stop is a hint; the close ends the stream
    await platform.close();
    await stream.closed;
    expect(seen).toEqual([
      ['dtmf', { digit: '5', track: 'inbound', timestamp: 1705312206180 }],
      ['unknown', 'playFailed'],
      ['stop', { reason: 'hangup' }],
    ]);
    expect(stream.stats.dtmf).toBe(1);
    expect(stream.stats.unknown).toBe(1);
  });

  it('reports malformed frames, counts them, and delivers the rest in order', async () => {
    const { connect, nextStream } = await startServer();
    const streamP = nextStream();
    const platform = await connect();
    platform.start({ encoding: 'audio/x-l16', sampleRate: 8000 });
    const stream = await streamP;
    const errors: string[] = [];
    stream.on('frameError', (err: CallstreamError) => errors.push(err.code));
    const got = collect(stream);
    platform.media(le16(new Array(160).fill(1)));
    platform.send('{not json');
    platform.send('[1,2,3]');
    platform.send({ event: 42 });
    platform.send({
      event: 'media',
      streamId: 'stream-1',
      media: { track: 'inbound', chunk: 2, timestamp: '1', payload: '@@@@' },
    });
    platform.send({
      event: 'media',
      streamId: 'stream-1',
      media: { track: 'inbound', chunk: 2, timestamp: '1', payload: 'AAAB' },
    }); // 3 bytes: odd L16
    platform.send({
      event: 'media',
      streamId: 'stream-1',
      media: { track: 'inbound', chunk: 'two', payload: 'AAAA' },
    });
    platform.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    platform.media(le16(new Array(160).fill(2)));
    platform.media(le16(new Array(160).fill(3)));
    await new Promise((r) => setTimeout(r, 100));
    await platform.close();
    const frames = await got;
    expect(frames.map((f) => f.samples[0])).toEqual([1, 2, 3]);
    expect(errors).toEqual([
      'ERR_INVALID_JSON',
      'ERR_INVALID_MESSAGE',
      'ERR_INVALID_MESSAGE',
      'ERR_INVALID_BASE64',
      'ERR_ODD_LENGTH',
      'ERR_INVALID_MEDIA',
    ]);
    expect(stream.stats.malformed).toBe(6);
    expect(stream.stats.binaryMessages).toBe(1);
    expect(stream.stats.unknown).toBe(0);
  });

  it('counts gaps per track and, with fillGaps, fills them with silence', async () => {
    const { connect, nextStream } = await startServer({ fillGaps: true });
    const streamP = nextStream();
    const platform = await connect();
    platform.start({ encoding: 'audio/x-l16', sampleRate: 8000 });
    const stream = await streamP;
    const got = collect(stream);
    platform.media(le16(new Array(160).fill(7)), 'inbound', 1);
    platform.media(le16(new Array(160).fill(7)), 'inbound', 4);
    platform.media(le16(new Array(160).fill(7)), 'inbound', 5);
    await platform.close();
    const frames = await got;
    expect(frames.map((f) => [f.chunk, f.samples[0], f.timestamp])).toEqual([
      [1, 7, 1_705_312_200_020],
      [2, 0, 1_705_312_200_040],
      [3, 0, 1_705_312_200_060],
      [4, 7, 1_705_312_200_080],
      [5, 7, 1_705_312_200_100],
    ]);
    expect(stream.stats.gaps.inbound).toBe(2);
    expect(stream.stats.filledFrames).toBe(2);
  });
});

describe('inbound audio, payload edge cases', () => {
  /** A media message of the L16 8 kHz call below, up to its chunk number. */
  const head =
    '{"event":"media","sequenceNumber":2,"streamId":"stream-1","media":{"track":"inbound","timestamp":"1000","chunk":';

  /** A started L16 8 kHz call, with the codes of its frame errors. */
  async function l16Call() {
    const { connect, nextStream } = await startServer();
    const streamP = nextStream();
    const platform = await connect();
    platform.start({ encoding: 'audio/x-l16', sampleRate: 8000 });
    const stream = await streamP;
    const codes: string[] = [];
    stream.on('frameError', (e: CallstreamError) => codes.push(e.code));
    return { platform, stream, codes };
  }

  it('rejects a raw control character in a payload as invalid JSON and accepts JSON-escaped base64', async () => {
    const { platform, stream, codes } = await l16Call();
    const got = collect(stream);
    platform.send(`${head}1,"payload":"AAAB\u0001AAA"}}`); // raw control character: not JSON
    platform.send(`${head}2,"payload":"AQAC\\u0041AMA"}}`); // \u0041 is "A": valid JSON, valid base64
    await platform.close();
    const frames = await got;
    expect(codes).toEqual(['ERR_INVALID_JSON']);
    expect(frames.map((f) => Array.from(f.samples))).toEqual([[1, 2, 3]]);
  });

  it('reads multi-byte text in every field but the payload, and fails the call with 1007 on a frame that is not UTF-8', async () => {
    const { platform, stream, codes } = await l16Call();
    const stops: (string | undefined)[] = [];
    stream.on('stop', (e) => stops.push(e.reason));
    const got = collect(stream);
    platform.send(`${head}1,"payload":"AQACAAMA"}}`);
    platform.send(`${head}2,"payload":"BAAFAAYA"},"extra_headers":"name=Zoë €"}`);
    platform.send('{"event":"stop","streamId":"stream-1","reason":"fin 😀"}');
    // A stray continuation byte in a text frame: the server leaves the UTF-8 check to the stream.
    const bad = Buffer.from(`${head}3,"payload":"AQACAAMA"},"extra_headers":"a=?"}`);
    bad[bad.indexOf('?')] = 0x80;
    platform.ws.send(bad, { binary: false });
    platform.send(`${head}4,"payload":"AQACAAMA"}}`); // after the failure: not read
    const closed = await platform.closed;
    const frames = await got;
    expect(closed.code).toBe(1007);
    expect(codes).toEqual(['ERR_SOCKET']);
    expect(frames.map((f) => [f.chunk, Array.from(f.samples)])).toEqual([
      [1, [1, 2, 3]],
      [2, [4, 5, 6]],
    ]);
    expect(stops).toEqual(['fin 😀']);
    expect(stream.stats.malformed).toBe(1);
  });
});

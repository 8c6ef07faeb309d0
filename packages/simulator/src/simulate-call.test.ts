import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeL16, encodeL16, encodeMulaw, readWavFile } from '@callstream/core';
import { resample, serializeCheckpoint, serializePlayAudio } from '@callstream/core/internal';
import { simulateCall } from './simulate-call.js';
import { ramp, startTestServer } from './test-helpers.js';
import type { Peer, Received, TestServer } from './test-helpers.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/caller-16k.wav', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: TestServer;
afterEach(async () => server?.close());

const media = (messages: Received[], track?: string): Received[] =>
  messages.filter((m) => m.event === 'media' && (track === undefined || m.media.track === track));
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('simulateCall wire output (plivo)', () => {
  it('sends start, then both tracks interleaved with per-track chunks, string timestamps, stop and a close', async () => {
    server = await startTestServer();
    const audio = ramp(800, -400); // 5 frames at 8 kHz
    const before = Date.now();
    const call = simulateCall({
      url: `${server.url}?tenant=acme`,
      audio: { samples: audio, sampleRate: 8000 },
      tracks: ['inbound', 'outbound'],
      speed: 0,
      extraHeaders: 'userId=12345;sessionId=abc',
    });
    const result = await call.done;
    const after = Date.now();
    const peer = await server.peer;
    await peer.closed;
    const { messages } = peer;
    expect(peer.req.url).toBe('/stream?tenant=acme');

    const [start, ...rest] = messages.map(({ arrivedAt: _, ...m }) => m);
    expect(start).toEqual({
      event: 'start',
      sequenceNumber: 1,
      start: {
        callId: call.callId,
        streamId: call.streamId,
        accountId: expect.stringMatching(/^MA[A-Z0-9]{18}$/),
        tracks: ['inbound', 'outbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      },
      extra_headers: 'userId=12345;sessionId=abc',
    });
    expect(Object.keys(start!)).toEqual(['event', 'sequenceNumber', 'start', 'extra_headers']);
    expect(call.callId).toMatch(UUID);
    expect(call.streamId).toMatch(UUID);

    const frames = rest.filter((m) => m.event === 'media');
    expect(frames.map((m) => `${m.media.track}:${m.media.chunk}`)).toEqual(
      [1, 2, 3, 4, 5].flatMap((k) => [`inbound:${k}`, `outbound:${k}`]),
    );
    const t0 = Number(frames[0]!.media.timestamp) - 20;
    expect(t0).toBeGreaterThanOrEqual(before);
    expect(t0).toBeLessThanOrEqual(after);
    frames.forEach((m, i) => {
      expect(Object.keys(m)).toEqual([
        'event',
        'sequenceNumber',
        'streamId',
        'media',
        'extra_headers',
      ]);
      expect(Object.keys(m.media)).toEqual(['track', 'timestamp', 'chunk', 'payload']);
      expect(m.sequenceNumber).toBe(i + 2);
      expect(m.streamId).toBe(call.streamId);
      expect(m.extra_headers).toBe('userId=12345;sessionId=abc');
      expect(m.media.timestamp).toBe(String(t0 + 20 * m.media.chunk));
    });
    // inbound carries the caller's audio, outbound what the caller heard (silence here)
    for (let k = 1; k <= 5; k++) {
      expect(frames[2 * (k - 1)]!.media.payload).toBe(
        b64(encodeMulaw(audio.subarray((k - 1) * 160, k * 160))),
      );
      expect(frames[2 * k - 1]!.media.payload).toBe(b64(new Uint8Array(160).fill(0xff)));
    }
    expect(rest.at(-1)).toEqual({
      event: 'stop',
      sequenceNumber: 12,
      streamId: call.streamId,
      reason: 'Call hung up',
    });
    expect(result.close).toEqual({ code: 1000, reason: 'hangup', by: 'simulator' });
    expect(await peer.closed).toEqual({ code: 1000, reason: 'hangup' });
    expect(result.framesSent).toBe(10);
    expect(result.durationMs).toBe(100);
    expect(result.heard.length).toBe(800);
    expect(result.violations).toEqual([]);
  });

  it('sends L16 little-endian, padding the last frame with silence', async () => {
    server = await startTestServer();
    const audio = ramp(400, 1000); // 25 ms at 16 kHz: two frames, the second one mostly padding
    const result = await simulateCall({
      url: server.url,
      audio: { samples: audio, sampleRate: 16000 },
      format: { encoding: 'audio/x-l16', sampleRate: 16000 },
      speed: 0,
    }).done;
    const frames = media((await server.peer).messages);
    expect(frames.map((m) => Buffer.from(m.media.payload, 'base64').length)).toEqual([640, 640]);
    const sent = frames.map((m) => decodeL16(Buffer.from(m.media.payload, 'base64')));
    expect(Array.from(sent[0]!)).toEqual(Array.from(audio.subarray(0, 320)));
    expect(Array.from(sent[1]!.subarray(0, 80))).toEqual(Array.from(audio.subarray(320)));
    expect(sent[1]!.subarray(80).every((s) => s === 0)).toBe(true);
    expect(frames[0]!.media.payload).toBe(b64(encodeL16(audio.subarray(0, 320))));
    expect(result.framesSent).toBe(2);
  });

  it('sends dtmf at its call time, after the media frame that ends there', async () => {
    server = await startTestServer();
    const call = simulateCall({
      url: server.url,
      audio: { samples: new Int16Array(8 * 100), sampleRate: 8000 },
      dtmf: [
        { atMs: 60, digit: '#' },
        { atMs: 40, digit: '1' },
      ],
      speed: 0,
    });
    const result = await call.done;
    const { messages } = await server.peer;
    const order = messages.map((m) =>
      m.event === 'media' ? `m${m.media.chunk}` : m.event === 'dtmf' ? `d${m.dtmf.digit}` : m.event,
    );
    expect(order).toEqual(['start', 'm1', 'm2', 'd1', 'm3', 'd#', 'm4', 'm5', 'stop']);
    const t0 = Number(messages[1]!.media.timestamp) - 20;
    const dtmf = messages.find((m) => m.event === 'dtmf')!;
    const { arrivedAt: _, ...exact } = dtmf;
    expect(exact).toEqual({
      event: 'dtmf',
      sequenceNumber: 4,
      streamId: call.streamId,
      dtmf: { track: 'inbound', digit: '1', timestamp: String(t0 + 40) },
      extra_headers: '',
    });
    expect(result.dtmfSent).toBe(2);
  });

  it('cuts the 16 kHz caller fixture to ceil(duration / 20 ms) mu-law frames of the resampled audio', async () => {
    server = await startTestServer();
    const result = await simulateCall({ url: server.url, audio: fixture, speed: 0 }).done;
    const frames = media((await server.peer).messages);
    const wav = await readWavFile(fixture);
    expect(wav.samples.length).toBe(93618); // 5851.125 ms
    expect(frames.length).toBe(293);
    expect(result.framesSent).toBe(293);
    expect(frames.every((m) => Buffer.from(m.media.payload, 'base64').length === 160)).toBe(true);
    const expected = encodeMulaw(resample(wav.samples, 16000, 8000));
    const sent = Buffer.concat(frames.map((m) => Buffer.from(m.media.payload, 'base64')));
    expect(sent.subarray(0, expected.length).equals(Buffer.from(expected))).toBe(true);
    expect(sent.subarray(expected.length).every((b) => b === 0xff)).toBe(true);
  });

  it('paces media at 50 frames per second at speed 1', async () => {
    server = await startTestServer();
    await simulateCall({
      url: server.url,
      audio: { samples: new Int16Array(8 * 1200), sampleRate: 8000 },
      speed: 1,
    }).done;
    const frames = media((await server.peer).messages);
    expect(frames.length).toBe(60);
    const first = frames[0]!.arrivedAt;
    const inFirstSecond = frames.filter((m) => m.arrivedAt - first < 1000).length;
    expect(inFirstSecond).toBeGreaterThanOrEqual(45);
    expect(inFirstSecond).toBeLessThanOrEqual(55);
  });

  it('passes upgrade headers and call ids through', async () => {
    server = await startTestServer();
    const call = simulateCall({
      url: server.url,
      headers: { 'X-Plivo-Signature-V3': 'sig', 'X-Plivo-Signature-V3-Nonce': 'nonce' },
      callId: 'call-1',
      streamId: 'stream-1',
      accountId: 'MA000',
      hangupAfterMs: 0,
    });
    const result = await call.done;
    const peer = await server.peer;
    expect(peer.req.headers['x-plivo-signature-v3']).toBe('sig');
    expect(peer.req.headers['x-plivo-signature-v3-nonce']).toBe('nonce');
    expect(peer.messages[0]!.start).toMatchObject({
      callId: 'call-1',
      streamId: 'stream-1',
      accountId: 'MA000',
    });
    expect(result.framesSent).toBe(0);
  });
});

describe('simulateCall dialect vobiz', () => {
  it('counts from 0, sends extra_headers "{}", a numeric accountId, bare playedStream and no stop', async () => {
    server = await startTestServer((peer) => {
      void peer
        .next((m) => m.event === 'start')
        .then((start) => {
          peer.socket.send(serializeCheckpoint(start.start.streamId, 'hello'));
        });
    });
    const call = simulateCall({
      url: server.url,
      audio: { samples: new Int16Array(8 * 60), sampleRate: 8000 },
      dialect: 'vobiz',
      speed: 1,
    });
    const result = await call.done;
    const peer: Peer = await server.peer;
    await peer.closed;
    const { messages } = peer;
    expect(messages[0]).toMatchObject({ event: 'start', sequenceNumber: 0, extra_headers: '{}' });
    expect(messages[0]!.start.accountId).toMatch(/^\d{6}$/);
    const played = messages.find((m) => m.event === 'playedStream')!;
    const { arrivedAt: _, ...exact } = played;
    expect(exact).toEqual({ event: 'playedStream', name: 'hello' });
    const numbered = messages.filter((m) => m.event !== 'playedStream');
    expect(numbered.map((m) => m.sequenceNumber)).toEqual([0, 1, 2, 3]);
    expect(media(messages).every((m) => m.extra_headers === '{}')).toBe(true);
    expect(messages.some((m) => m.event === 'stop')).toBe(false);
    expect(result.checkpoints.map((c) => c.name)).toEqual(['hello']);
  });
});

describe('simulateCall with bidirectional false', () => {
  it('ignores the server commands, as the platform does on a one-way stream, and reports each', async () => {
    const payload = Buffer.alloc(160, 0x7f).toString('base64');
    server = await startTestServer((peer) => {
      void peer
        .next((m) => m.event === 'start')
        .then((start) => {
          const id = start.start.streamId as string;
          peer.socket.send(serializePlayAudio(id, 'audio/x-mulaw', 8000, payload));
          peer.socket.send(serializeCheckpoint(id, 'hello'));
        });
    });
    const result = await simulateCall({
      url: server.url,
      hangupAfterMs: 200,
      bidirectional: false,
    }).done;
    expect(result.violations.map((v) => [v.code, v.message])).toEqual([
      [
        'not-bidirectional',
        'playAudio on a stream that is not bidirectional (the platform ignores it)',
      ],
      [
        'not-bidirectional',
        'checkpoint on a stream that is not bidirectional (the platform ignores it)',
      ],
    ]);
    expect([result.playedMs, result.checkpoints]).toEqual([0, []]);
    expect(result.heard.every((s) => s === 0)).toBe(true);
  });
});

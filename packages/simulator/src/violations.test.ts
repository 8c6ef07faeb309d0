/**
 * Commands that break PROTOCOL.md are reported in the result, never crash the call, and the
 * ones a platform could not use are not acted on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { serializeCheckpoint, serializePlayAudio } from '@callstream/core/internal';
import { simulateCall } from './simulate-call.js';
import { startTestServer } from './test-helpers.js';
import type { TestServer } from './test-helpers.js';

let server: TestServer;
afterEach(async () => server?.close());

const mulaw = (ms: number): string => Buffer.alloc(8 * ms, 0xff).toString('base64');

describe('protocol violations', () => {
  it('are reported with a code each while the call goes on', async () => {
    server = await startTestServer((peer) => {
      void peer
        .next((m) => m.event === 'start')
        .then((start) => {
          const id: string = start.start.streamId;
          const bad: (string | Buffer)[] = [
            'not json',
            '[1,2]',
            JSON.stringify({ event: 'mark', streamId: id, mark: { name: 'x' } }),
            JSON.stringify({
              event: 'playAudio',
              streamId: id,
              media: {
                contentType: 'audio/x-mulaw;rate=8000',
                sampleRate: 8000,
                payload: mulaw(20),
              },
            }),
            JSON.stringify({
              event: 'playAudio',
              streamId: id,
              media: { contentType: 'audio/x-mulaw', sampleRate: '8000', payload: mulaw(20) },
            }),
            JSON.stringify({ event: 'checkpoint', name: 'no-id' }),
            JSON.stringify({ event: 'clearAudio', streamId: 'someone-else' }),
            serializePlayAudio(id, 'audio/x-mulaw', 8000, '//8='.slice(0, 3)),
            serializePlayAudio(id, 'audio/x-l16', 8000, Buffer.alloc(3).toString('base64')),
            serializePlayAudio(id, 'audio/x-mulaw', 8000, mulaw(200)),
            serializePlayAudio(id, 'audio/x-l16', 8000, Buffer.alloc(320).toString('base64')),
            serializePlayAudio(id, 'audio/x-mulaw', 8000, mulaw(30)),
            Buffer.from([1, 2, 3]),
            JSON.stringify({ event: 'sendDTMF', dtmf: '12x' }),
            JSON.stringify({ event: 'stop', streamId: id }),
            serializePlayAudio(id, 'audio/x-mulaw', 16000, mulaw(20)),
            JSON.stringify({ event: 'sendDTMF', dtmf: '12#' }),
            serializeCheckpoint(id, 'still-works'),
          ];
          for (const frame of bad) peer.socket.send(frame);
        });
    });
    const result = await simulateCall({ url: server.url, speed: 4, hangupAfterMs: 600 }).done;

    expect(result.violations.map((v) => v.code)).toEqual([
      'invalid-json',
      'invalid-message',
      'unknown-event',
      'content-type-not-bare',
      'sample-rate-not-number',
      'missing-stream-id',
      'stream-id-mismatch',
      'invalid-base64',
      'odd-length',
      'message-too-long',
      'format-switched',
      'chunk-not-20ms-multiple',
      'binary-frame',
      'invalid-digits',
      'unsupported-event',
      'unsupported-format',
    ]);
    for (const v of result.violations) {
      expect(typeof v.message).toBe('string');
      expect(v.message.length).toBeGreaterThan(5);
      expect(typeof v.atMs).toBe('number');
      if (v.code !== 'binary-frame') expect(v.command!.length).toBeLessThanOrEqual(200);
    }
    expect(result.violations[0]!.command).toBe('not json');
    expect(result.violations[3]!.message).toMatch(/bare/);
    // Usable audio still played (200 + 20 + 30 ms), unusable commands were dropped.
    expect(result.playedMs).toBe(250);
    expect(result.cleared).toBe(0);
    expect(result.dtmfReceived).toEqual(['12#']);
    expect(result.checkpoints.map((c) => c.name)).toEqual(['still-works']);
    expect(result.close.by).toBe('simulator');
  });
});

describe('the vobiz stop command', () => {
  it('ends the call, as the server asked', async () => {
    server = await startTestServer((peer) => {
      void peer
        .next((m) => m.event === 'media' && m.media.chunk === 2)
        .then((m) => peer.socket.send(JSON.stringify({ event: 'stop', streamId: m.streamId })));
    });
    const result = await simulateCall({
      url: server.url,
      dialect: 'vobiz',
      hangupAfterMs: 60_000,
    }).done;
    expect(result.close).toEqual({
      code: 1000,
      reason: 'stop requested by the server',
      by: 'server',
    });
    expect(result.violations).toEqual([]);
    expect(result.framesSent).toBeLessThan(20);
  });
});

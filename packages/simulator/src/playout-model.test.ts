/**
 * The platform's playout model, end to end over a socket: a minimal `ws` server plays audio into
 * a simulated call and the test checks acknowledgements, clears and the caller's timeline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeL16, encodeL16 } from '@callstream/core';
import {
  resample,
  serializeCheckpoint,
  serializeClearAudio,
  serializePlayAudio,
} from '@callstream/core/internal';
import { simulateCall } from './simulate-call.js';
import { indexOfSamples, ramp, startTestServer } from './test-helpers.js';
import type { Peer, TestServer } from './test-helpers.js';

let server: TestServer;
afterEach(async () => server?.close());

const L16_8K = { encoding: 'audio/x-l16', sampleRate: 8000 } as const;

/** Sends `pcm` as L16 playAudio messages of `chunk` samples each. */
function play(peer: Peer, streamId: string, pcm: Int16Array, rate: number, chunk: number): void {
  for (let i = 0; i < pcm.length; i += chunk) {
    const payload = Buffer.from(encodeL16(pcm.subarray(i, i + chunk))).toString('base64');
    peer.socket.send(serializePlayAudio(streamId, 'audio/x-l16', rate, payload));
  }
}

const onStart = (peer: Peer, then: (streamId: string) => void): void =>
  void peer.next((m) => m.event === 'start').then((start) => then(start.start.streamId));

describe('the playout model', () => {
  it('acknowledges a checkpoint when the audio before it has played, and heard holds that audio sample-exactly', async () => {
    const greeting = ramp(800); // 100 ms at 8 kHz
    server = await startTestServer((peer) =>
      onStart(peer, (streamId) => {
        play(peer, streamId, greeting, 8000, 160);
        peer.socket.send(serializeCheckpoint(streamId, 'greeting'));
      }),
    );
    const result = await simulateCall({
      url: server.url,
      format: L16_8K,
      tracks: ['inbound', 'outbound'],
      speed: 2,
      hangupAfterMs: 400,
    }).done;
    const { messages } = await server.peer;

    const offset = indexOfSamples(result.heard, greeting);
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset % 160).toBe(0); // playout starts on a 20 ms slot
    const outside = [...result.heard.subarray(0, offset), ...result.heard.subarray(offset + 800)];
    expect(outside.every((s) => s === 0)).toBe(true);
    expect(result.checkpoints).toEqual([{ name: 'greeting', atMs: (offset + 800) / 8 }]);
    expect(result.playedMs).toBe(100);

    // The outbound track carries exactly the heard timeline...
    const outbound = messages.filter((m) => m.event === 'media' && m.media.track === 'outbound');
    const sent = Buffer.concat(outbound.map((m) => Buffer.from(m.media.payload, 'base64')));
    expect(Array.from(decodeL16(sent))).toEqual(Array.from(result.heard));
    // ...and the acknowledgement follows the frame holding the last sample of the greeting.
    const lastChunk = (offset + 800) / 160;
    const lastFrame = messages.findIndex(
      (m) => m.event === 'media' && m.media.track === 'outbound' && m.media.chunk === lastChunk,
    );
    const ack = messages.findIndex((m) => m.event === 'playedStream');
    expect(lastFrame).toBeGreaterThan(0);
    expect(ack).toBe(lastFrame + 1);
    expect(messages[ack]).toMatchObject({ event: 'playedStream', name: 'greeting' });
  });

  it('never acknowledges a checkpoint whose audio was cleared, and answers clearAudio with clearedAudio', async () => {
    const long = ramp(8000); // 1 s
    const after = ramp(320, 20000); // 40 ms
    server = await startTestServer((peer) =>
      onStart(peer, (streamId) => {
        play(peer, streamId, long, 8000, 800);
        peer.socket.send(serializeCheckpoint(streamId, 'long'));
        void peer
          .next((m) => m.event === 'media' && m.media.chunk === 10)
          .then(() => {
            peer.socket.send(serializeClearAudio(streamId));
            return peer.next((m) => m.event === 'clearedAudio');
          })
          .then(() => {
            play(peer, streamId, after, 8000, 160);
            peer.socket.send(serializeCheckpoint(streamId, 'after'));
          });
      }),
    );
    const call = simulateCall({ url: server.url, format: L16_8K, speed: 2, hangupAfterMs: 1200 });
    const result = await call.done;
    const { messages } = await server.peer;

    const cleared = messages.find((m) => m.event === 'clearedAudio')!;
    const { arrivedAt: _, ...exact } = cleared;
    expect(Object.keys(exact)).toEqual(['sequenceNumber', 'event', 'streamId']);
    expect(exact).toMatchObject({ event: 'clearedAudio', streamId: call.streamId });
    expect(messages.filter((m) => m.event === 'playedStream').map((m) => m.name)).toEqual([
      'after',
    ]);
    expect(result.checkpoints.map((c) => c.name)).toEqual(['after']);
    expect(result.cleared).toBe(1);

    // heard: a prefix of the long ramp, silence, the 40 ms reply, silence.
    const heard = result.heard;
    const start = heard.findIndex((s) => s !== 0);
    let played = 0;
    while (heard[start + played] === long[played]) played++;
    expect(played).toBeGreaterThan(0);
    expect(played).toBeLessThan(long.length);
    expect(played % 160).toBe(0); // a clear lets the slot playing now finish, then stops
    const reply = indexOfSamples(heard, after);
    expect(reply).toBeGreaterThanOrEqual(start + played);
    const rest = [
      ...heard.subarray(start + played, reply),
      ...heard.subarray(reply + after.length),
    ];
    expect(rest.every((s) => s === 0)).toBe(true);
    expect(result.checkpoints[0]!.atMs).toBe((reply + after.length) / 8);
  });

  it('resamples playAudio sent at another rate to the call rate, as core resamples it', async () => {
    const tone = Int16Array.from({ length: 1600 }, (_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)),
    );
    server = await startTestServer((peer) =>
      onStart(peer, (streamId) => {
        play(peer, streamId, tone, 16000, 320);
        peer.socket.send(serializeCheckpoint(streamId, 'tone'));
      }),
    );
    const result = await simulateCall({
      url: server.url,
      format: L16_8K,
      speed: 4,
      hangupAfterMs: 400,
    }).done;
    const expected = resample(tone, 16000, 8000);
    expect(expected.length).toBe(800);
    const at = indexOfSamples(result.heard, expected.subarray(1)); // sample 0 of a sine is 0
    expect(at).toBeGreaterThan(0);
    expect(result.checkpoints).toEqual([{ name: 'tone', atMs: (at - 1 + 800) / 8 }]);
    expect(result.violations).toEqual([]);
  });

  it('keeps the call open for queued audio with waitForPlayoutMs', async () => {
    server = await startTestServer((peer) =>
      onStart(peer, (streamId) => {
        play(peer, streamId, ramp(4000), 8000, 800); // 500 ms
        peer.socket.send(serializeCheckpoint(streamId, 'end'));
      }),
    );
    // Real time: the server's reply to `start` must be queued before the hangup point for this to
    // test the wait. At speed 4 that point was 25 ms of wall time, which a busy machine can miss.
    const result = await simulateCall({
      url: server.url,
      format: L16_8K,
      speed: 1,
      hangupAfterMs: 100,
      waitForPlayoutMs: 5000,
    }).done;
    expect(result.checkpoints.map((c) => c.name)).toEqual(['end']);
    expect(result.durationMs).toBe(result.checkpoints[0]!.atMs);
    expect(result.playedMs).toBe(500);
  });
});

/**
 * The whole app through the fake platform: a call placed with the app's answer URL, the
 * `<Stream>` XML from `streamXml`, the bot greeting the caller and answering a key, a REST stop
 * with `createStreamApi`, and the StopStream callback verified at the app's status route.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { createStreamApi } from '@callstream/control';
import type { StreamStatusEvent } from '@callstream/control';
import { startFakePlatform } from '@callstream/simulator';
import type { AckedCheckpoint, FakeCall } from '@callstream/simulator';
import { start } from './app.js';
import { DTMF_FREQUENCIES, tone } from './tones.js';

const AUTH_ID = 'MAODUZYTQ0Y2M5ZGE1MD';
const TOKEN = 'fake-platform-token';

function indexOf(haystack: Int16Array, needle: Int16Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

async function startBotApp(events: StreamStatusEvent[]): Promise<string> {
  const { app, url } = await start({ authToken: TOKEN, onStatus: (event) => events.push(event) });
  onTestFinished(() => app.close());
  return url;
}

/** Resolves when the call's stream has had `count` checkpoints acknowledged. */
function checkpoints(call: FakeCall, count: number): Promise<AckedCheckpoint[]> {
  const acked: AckedCheckpoint[] = [];
  return new Promise((resolve) => {
    call.on('stream', (_stream, simulated) =>
      simulated.on('checkpoint', (checkpoint) => {
        acked.push(checkpoint);
        if (acked.length === count) resolve(acked);
      }),
    );
  });
}

describe('fastify-bot through the fake platform', () => {
  it('answers with streamXml, greets, plays the tone of the key pressed, is stopped over REST, and verifies the StopStream callback', async () => {
    const events: StreamStatusEvent[] = [];
    const url = await startBotApp(events);
    const fake = await startFakePlatform({ authId: AUTH_ID, authToken: TOKEN });
    onTestFinished(() => fake.close());
    const api = createStreamApi({
      platform: 'plivo',
      authId: AUTH_ID,
      authToken: TOKEN,
      baseUrl: fake.baseUrl,
    });

    const call = fake.createCall({ answerUrl: `${url}/answer`, dtmf: [{ atMs: 400, digit: '1' }] });
    const acked = await checkpoints(call, 2);
    const [stream] = call.streams;
    await api.stop(call.callUuid, stream?.streamId as string);
    const result = await call.done;

    expect(result.problems).toEqual([]);
    const ws = url.replace('http', 'ws');
    expect(result.answer?.response?.body).toBe(
      `<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000" ` +
        `statusCallbackUrl="${url}/stream-status" statusCallbackMethod="POST">${ws}/stream</Stream></Response>`,
    );
    // keepCallAlive: the call lasted as long as the stream, and ended with the XML after the stop
    expect(result.end).toBe('xml-end');
    const [streamResult] = result.streams;
    expect(streamResult?.end).toBe('stopped');
    const simulated = streamResult?.result;
    expect(simulated?.violations).toEqual([]);
    expect([simulated?.sampleRate, simulated?.dtmfSent]).toEqual([16000, 1]);
    // The caller heard the greeting, then the key's tone after the key was pressed, sample-exact.
    const heard = simulated?.heard as Int16Array;
    expect(indexOf(heard, tone([440], 200, 16000))).toBeGreaterThanOrEqual(0);
    const keyTone = tone(DTMF_FREQUENCIES['1'] as [number, number], 100, 16000);
    expect(indexOf(heard, keyTone)).toBeGreaterThanOrEqual(400 * 16);
    expect(simulated?.checkpoints).toEqual(acked);

    // Both callbacks reached the app's status route, passed its signature check, and were answered 200.
    expect(fake.callbacks.map((c) => [c.event, c.response?.status])).toEqual([
      ['StartStream', 200],
      ['StopStream', 200],
    ]);
    expect(events.map((e) => [e.event, e.callUuid, e.streamId])).toEqual([
      ['StartStream', call.callUuid, stream?.streamId],
      ['StopStream', call.callUuid, stream?.streamId],
    ]);
  });

  it('refuses status callbacks signed with another token at the app route', async () => {
    const events: StreamStatusEvent[] = [];
    const url = await startBotApp(events);
    const fake = await startFakePlatform({
      authId: AUTH_ID,
      authToken: 'another-token',
      retryDelayMs: 10,
    });
    onTestFinished(() => fake.close());
    // The stream upgrade is refused too (401), so the stream fails; the answer still arrives.
    const result = await fake.createCall({ answerUrl: `${url}/answer`, hangupAfterMs: 200 }).done;
    expect(result.problems).toEqual([]);
    expect(result.streams[0]?.end).toBe('failed');
    expect(result.streams[0]?.error).toMatch(/401/);
    expect(fake.callbacks.map((c) => c.event)).toEqual(['DroppedStream']);
    expect(fake.callbacks[0]?.response?.status).toBeGreaterThanOrEqual(400);
    expect(events).toEqual([]);
  });
});

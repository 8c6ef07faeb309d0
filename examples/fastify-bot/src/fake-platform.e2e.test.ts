/**
 * The whole app through the fake platform: a call placed with the app's answer URL, the
 * `<Stream>` XML it answers, the bot greeting the caller and answering a key, and a REST stop.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startFakePlatform } from '@callstream/simulator';
import type { AckedCheckpoint } from '@callstream/simulator';
import { start } from './app.js';
import { DTMF_FREQUENCIES, tone } from './tones.js';

const AUTH_ID = 'MAXXXXXXXXXXXXXXXXXX';
const TOKEN = 'fake-platform-token';

function indexOf(haystack: Int16Array, needle: Int16Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('fastify-bot through the fake platform', () => {
  it('answers the call with Stream XML, greets, plays the tone of the key pressed, and is stopped over REST', async () => {
    const { url } = await startBotApp();
    const fake = await startFakePlatform({ authId: AUTH_ID, authToken: TOKEN });
    onTestFinished(() => fake.close());

    const call = fake.createCall({ answerUrl: `${url}/answer`, dtmf: [{ atMs: 400, digit: '1' }] });
    const acked: AckedCheckpoint[] = [];
    const twoPlayed = new Promise<void>((resolve) => {
      call.on('stream', (_stream, simulated) =>
        simulated.on('checkpoint', (checkpoint) => {
          acked.push(checkpoint);
          if (acked.length === 2) resolve();
        }),
      );
    });
    await twoPlayed;
    const [stream] = call.streams;
    const res = await fetch(`${fake.baseUrl}Call/${call.callUuid}/Stream/${stream?.streamId}/`, {
      method: 'DELETE',
      headers: { Authorization: `Basic ${Buffer.from(`${AUTH_ID}:${TOKEN}`).toString('base64')}` },
    });
    expect(res.status).toBe(204);
    const result = await call.done;

    expect(result.problems).toEqual([]);
    expect(result.answer?.response?.body).toBe(
      `<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000">` +
        `${url.replace('http', 'ws')}/stream</Stream></Response>`,
    );
    // keepCallAlive: the call lasted as long as the stream, and ended with the XML after the stop
    expect(result.end).toBe('xml-end');
    const [streamResult] = result.streams;
    expect(streamResult?.end).toBe('stopped');
    const simulated = streamResult?.result;
    expect(simulated?.violations).toEqual([]);
    expect(simulated?.sampleRate).toBe(16000);
    expect(simulated?.dtmfSent).toBe(1);
    // The caller heard the greeting, then the key's tone after the key was pressed, sample-exact.
    const heard = simulated?.heard as Int16Array;
    const greeting = indexOf(heard, tone([440], 200, 16000));
    const keyTone = indexOf(heard, tone(DTMF_FREQUENCIES['1'] as [number, number], 100, 16000));
    expect(greeting).toBeGreaterThanOrEqual(0);
    expect(keyTone).toBeGreaterThanOrEqual(400 * 16);
    expect(simulated?.checkpoints).toEqual(acked);
  });
});

async function startBotApp(): Promise<{ url: string }> {
  const { app, url } = await start({ authToken: TOKEN });
  onTestFinished(() => app.close());
  return { url };
}

import { createHmac } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FakePlatform } from '../../../test/helpers/fake-platform.js';
import { upgradeStatus } from '../../../test/helpers/adapter-clients.js';
import { sdkSignedHeaders } from '../../../test/helpers/plivo-signer.js';
import type { StreamStatusEvent } from '@callstream/control';
import { createApp, start } from './app.js';

/** The answer XML for a stream URL and a status-callback URL, as the official SDK writes it. */
function answer(streamUrl: string, callbackUrl: string): string {
  return (
    '<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000" ' +
    `statusCallbackUrl="${callbackUrl}" statusCallbackMethod="POST">${streamUrl}</Stream></Response>`
  );
}

/** The samples of every playAudio command (L16, little-endian) from index `from` on. */
function playedSamples(platform: FakePlatform, from = 0): number[] {
  const out: number[] = [];
  for (const m of platform.received.slice(from)) {
    if (m.event !== 'playAudio') continue;
    const bytes = Buffer.from((m.media as { payload: string }).payload, 'base64');
    for (let i = 0; i < bytes.length; i += 2) out.push(bytes.readInt16LE(i));
  }
  return out;
}

/** Sine mix written out independently of the bot: peak 8000 shared by the tones, 16 kHz. */
function expectedTone(frequencies: number[], samples: number): number[] {
  const level = 8000 / frequencies.length;
  const at = (i: number): number =>
    frequencies.reduce((sum, f) => sum + Math.sin((2 * Math.PI * f * i) / 16000), 0);
  return Array.from({ length: samples }, (_, i) => Math.round(level * at(i)) + 0); // + 0: no -0
}

async function startBot(options: Parameters<typeof start>[0] = {}) {
  const { app, url } = await start(options);
  onTestFinished(() => app.close());
  return { app, ws: url.replace(/^http/, 'ws') };
}

describe('fastify-bot', () => {
  it('answers POST and GET /answer with the exact Stream XML for the public URL', async () => {
    const app = await createApp({ publicUrl: 'wss://bot.example.com' });
    onTestFinished(() => app.close());
    const post = await app.inject({ method: 'POST', url: '/answer' });
    const get = await app.inject({ method: 'GET', url: '/answer' });
    const xml = answer('wss://bot.example.com/stream', 'https://bot.example.com/stream-status');
    expect([post.statusCode, post.headers['content-type'], post.body]).toEqual([
      200,
      'application/xml',
      xml,
    ]);
    expect(get.body).toBe(xml);
  });

  it('answers the form-encoded POST /answer the platform sends', async () => {
    const app = await createApp({ publicUrl: 'wss://bot.example.com' });
    onTestFinished(() => app.close());
    const res = await app.inject({
      method: 'POST',
      url: '/answer',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'CallUUID=c-1&From=%2B14155550100&To=%2B14155550199&Direction=inbound',
    });
    expect([res.statusCode, res.body]).toEqual([
      200,
      answer('wss://bot.example.com/stream', 'https://bot.example.com/stream-status'),
    ]);
  });

  it('builds the stream URL from the Host header without a public URL', async () => {
    const app = await createApp({ path: '/media' });
    onTestFinished(() => app.close());
    const res = await app.inject({
      method: 'POST',
      url: '/answer',
      headers: { host: 'bot.local:8080' },
    });
    expect(res.body).toBe(
      answer('ws://bot.local:8080/media', 'http://bot.local:8080/stream-status'),
    );
  });

  it('answers 400, not broken XML, when the Host header would put a quote in the URL', async () => {
    const app = await createApp();
    onTestFinished(() => app.close());
    const res = await app.inject({ method: 'POST', url: '/answer', headers: { host: 'a"b' } });
    expect(res.statusCode).toBe(400);
  });

  it('receives signed status callbacks on /stream-status and refuses unsigned ones', async () => {
    const events: StreamStatusEvent[] = [];
    const { ws } = await startBot({
      authToken: 'token-1',
      publicUrl: 'wss://bot.example.com',
      onStatus: (event) => void events.push(event),
    });
    const url = ws.replace(/^ws/, 'http');
    const params = { Event: 'StartStream', CallUUID: 'c-1', StreamID: 's-1', Error: '' };
    const body = new URLSearchParams(params).toString();
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...sdkSignedHeaders('POST', 'https://bot.example.com/stream-status', params, '42', 'token-1'),
    };
    const ok = await fetch(`${url}/stream-status`, { method: 'POST', body, headers });
    expect(ok.status).toBe(200);
    while (events.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(events[0]).toMatchObject({ event: 'StartStream', callUuid: 'c-1', streamId: 's-1' });
    const unsigned = await fetch(`${url}/stream-status`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unsigned.status).toBe(403);
    expect(events).toHaveLength(1);
  });

  it('greets with a 200 ms 440 Hz beep, then plays back the DTMF tone of each key pressed', async () => {
    const { ws } = await startBot();
    const platform = await FakePlatform.connect(`${ws}/stream`);
    onTestFinished(() => void platform.close());
    platform.start({ encoding: 'audio/x-l16', sampleRate: 16000 });
    const greeting = await platform.waitFor((m) => m.event === 'checkpoint');
    platform.played(greeting.name as string);
    const afterGreeting = platform.received.length;
    expect(playedSamples(platform)).toEqual(expectedTone([440], 3200));
    platform.dtmf('1');
    await platform.waitFor((m) => m.event === 'checkpoint', afterGreeting);
    expect(playedSamples(platform, afterGreeting)).toEqual(expectedTone([697, 1209], 1600));
  });

  it('with an auth token, accepts only upgrades signed for the public URL', async () => {
    const { ws } = await startBot({ authToken: 'token-1', publicUrl: 'wss://bot.example.com' });
    const nonce = '98765';
    const sign = (url: string): Record<string, string> => ({
      'X-Plivo-Signature-V3': createHmac('sha256', 'token-1')
        .update(`${url}.${nonce}`)
        .digest('base64'),
      'X-Plivo-Signature-V3-Nonce': nonce,
    });
    expect(await upgradeStatus(`${ws}/stream`, sign('wss://bot.example.com/stream'))).toBe(101);
    expect(await upgradeStatus(`${ws}/stream`, sign('wss://evil.example.com/stream'))).toBe(401);
    expect(await upgradeStatus(`${ws}/stream`)).toBe(401);
  });
});

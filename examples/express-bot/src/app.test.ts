import { describe, expect, it, onTestFinished } from 'vitest';
import type { StreamStatusEvent } from '@callstream/control';
import { FakePlatform, le16 } from '../../../test/helpers/fake-platform.js';
import { sdkSignedHeaders } from '../../../test/helpers/plivo-signer.js';
import { start } from './app.js';

/** The samples of every playAudio command (L16, little-endian). */
function playedSamples(platform: FakePlatform): number[] {
  const out: number[] = [];
  for (const m of platform.received) {
    if (m.event !== 'playAudio') continue;
    const bytes = Buffer.from((m.media as { payload: string }).payload, 'base64');
    for (let i = 0; i < bytes.length; i += 2) out.push(bytes.readInt16LE(i));
  }
  return out;
}

async function call() {
  const bot = await start();
  onTestFinished(() => bot.close());
  const platform = await FakePlatform.connect(`ws://127.0.0.1:${bot.port}/stream`);
  onTestFinished(() => void platform.close());
  return { bot, platform };
}

describe('express-bot', () => {
  it('echoes the caller back sample-exactly', async () => {
    const { platform } = await call();
    platform.start({ encoding: 'audio/x-l16', sampleRate: 16000 });
    const said = Array.from({ length: 5 * 320 }, (_, i) => ((i * 211) % 60000) - 30000);
    for (let k = 0; k < 5; k++) platform.media(le16(said.slice(k * 320, (k + 1) * 320)));
    await platform.waitFor(() => playedSamples(platform).length >= said.length);
    expect(playedSamples(platform)).toEqual(said);
  });

  it('lists live calls on /calls and /health; close() ends them with 1001', async () => {
    const { bot, platform } = await call();
    platform.start({ callId: 'call-x', streamId: 's-x' });
    while (bot.streams.streams.size === 0) await new Promise((r) => setTimeout(r, 5));
    const base = `http://127.0.0.1:${bot.port}`;
    expect(await (await fetch(`${base}/calls`)).json()).toEqual([
      { callId: 'call-x', streamId: 's-x' },
    ]);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', calls: 1 });
    await bot.close();
    expect((await platform.closed).code).toBe(1001);
  });

  it('answers /answer with the Stream XML naming the status-callback route', async () => {
    const bot = await start({ publicUrl: 'wss://bot.example.com' });
    onTestFinished(() => bot.close());
    const res = await fetch(`http://127.0.0.1:${bot.port}/answer`, { method: 'POST' });
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await res.text()).toBe(
      '<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000" statusCallbackUrl="https://bot.example.com/stream-status">wss://bot.example.com/stream</Stream></Response>',
    );
    const plain = await start();
    onTestFinished(() => plain.close());
    const local = await fetch(`http://127.0.0.1:${plain.port}/answer`);
    expect(await local.text()).toContain(
      `statusCallbackUrl="http://127.0.0.1:${plain.port}/stream-status">ws://127.0.0.1:${plain.port}/stream</Stream>`,
    );
  });

  it('receives signed status callbacks and refuses tampered ones', async () => {
    const events: StreamStatusEvent[] = [];
    const bot = await start({
      authToken: 'token-1',
      publicUrl: 'wss://bot.example.com',
      onStatus: (event) => void events.push(event),
    });
    onTestFinished(() => bot.close());
    const params = { Event: 'DroppedStream', StreamID: 's-1', Error: 'connection degraded' };
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...sdkSignedHeaders('POST', 'https://bot.example.com/stream-status', params, '7', 'token-1'),
    };
    const url = `http://127.0.0.1:${bot.port}/stream-status`;
    const body = new URLSearchParams(params).toString();
    expect((await fetch(url, { method: 'POST', body, headers })).status).toBe(200);
    while (events.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(events[0]).toMatchObject({
      event: 'DroppedStream',
      streamId: 's-1',
      error: 'connection degraded',
    });
    const tampered = body.replace('s-1', 's-2');
    expect((await fetch(url, { method: 'POST', body: tampered, headers })).status).toBe(403);
    expect(events).toHaveLength(1);
  });
});

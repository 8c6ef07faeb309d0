import { describe, expect, it, onTestFinished } from 'vitest';
import { FakePlatform, le16 } from '../../../test/helpers/fake-platform.js';
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
});

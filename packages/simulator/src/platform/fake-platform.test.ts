import { describe, expect, it, onTestFinished } from 'vitest';
import { startFakePlatform } from './fake-platform.js';
import type { CreateCallOptions } from './fake-call.js';
import type { StartFakePlatformOptions } from './platform-options.js';

describe('startFakePlatform', () => {
  it.each([
    [{ platform: 'twilio' }, /option "platform" must be "plivo" or "vobiz"/],
    [{ authToken: 'a b' }, /option "authToken" must be/],
    [{ authId: '' }, /option "authId" must be/],
    [{ speed: -1 }, /option "speed" must be a finite number >= 0/],
    [{ port: 1.5 }, /option "port" must be an integer >= 0/],
    [{ maxRecords: 0 }, /option "maxRecords" must be an integer >= 1/],
    [{ clock: 5 }, /option "clock" must be a function/],
  ])('refuses %j with a TypeError naming the option', async (options, message) => {
    await expect(startFakePlatform(options as StartFakePlatformOptions)).rejects.toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(message) }),
    );
  });

  it('makes random credentials in the platform shape when none are given', async () => {
    const plivo = await startFakePlatform();
    onTestFinished(() => plivo.close());
    const vobiz = await startFakePlatform({ platform: 'vobiz' });
    onTestFinished(() => vobiz.close());
    expect(plivo.authId).toMatch(/^MA[A-Z0-9]{18}$/);
    expect(vobiz.authId).toMatch(/^MA_[A-Z0-9]{8}$/);
    expect(plivo.authToken).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(plivo.authToken).not.toBe(vobiz.authToken);
    expect(plivo.baseUrl).toBe(`${plivo.origin}/v1/Account/${plivo.authId}/`);
  });

  it.each([
    [{ answerUrl: 'ws://x/' }, /"answerUrl" must be an http/],
    [{ answerMethod: 'PUT' }, /"answerMethod" must be GET or POST/],
    [{ from: '' }, /"from" must be a non-empty string/],
    [{ hangupAfterMs: -5 }, /"hangupAfterMs" must be a finite number/],
    [{ dtmf: [{ atMs: 0, digit: 'x' }] }, /"dtmf" has a digit outside/],
    [{ audio: { samples: [1, 2], sampleRate: 8000 } }, /"audio" samples must be an Int16Array/],
  ])('createCall refuses %j with a TypeError', async (options, message) => {
    const fake = await startFakePlatform();
    onTestFinished(() => fake.close());
    expect(() => fake.createCall(options as unknown as CreateCallOptions)).toThrow(message);
    expect(fake.calls.size).toBe(0);
  });

  it('keeps at most maxRecords requests and forgets the oldest ended calls past it', async () => {
    const fake = await startFakePlatform({ maxRecords: 3 });
    onTestFinished(() => fake.close());
    const live = fake.createCall({ callUuid: 'live' });
    for (let i = 0; i < 5; i++) {
      const call = fake.createCall({ callUuid: `c${i}` });
      call.hangup();
      await call.done;
    }
    fake.createCall({ callUuid: 'last' });
    expect([...fake.calls.keys()]).toEqual(['live', 'c4', 'last']);
    expect(live.live).toBe(true);
    for (let i = 0; i < 5; i++) await fetch(`${fake.baseUrl}Call/x${i}/Stream/`);
    expect(fake.requests.map((r) => r.url)).toEqual(
      [2, 3, 4].map((i) => `/v1/Account/${fake.authId}/Call/x${i}/Stream/`),
    );
  });
});

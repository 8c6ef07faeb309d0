/**
 * @callstream/control against the fake platform: the REST client `createStreamApi` on both
 * platforms, and the status callbacks the fake sends checked by `verifyCallbackSignature`.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { createStreamApi, verifyCallbackSignature } from '@callstream/control';
import { startFakePlatform } from '@callstream/simulator';
import { startTestApp } from '../packages/simulator/src/platform/test-app.js';
import { startTestServer } from '../packages/simulator/src/test-helpers.js';

const AUTH_ID = 'MAODUZYTQ0Y2M5ZGE1MD';
const TOKEN = 'control-test-token';

describe('createStreamApi against the fake platform', () => {
  it.each(['plivo', 'vobiz'] as const)(
    'starts, gets, lists, stops one and stops all streams on %s; the callbacks verify',
    async (platform) => {
      const ws = await startTestServer();
      onTestFinished(() => ws.close());
      const app = await startTestApp();
      onTestFinished(() => app.close());
      const fake = await startFakePlatform({ platform, authId: AUTH_ID, authToken: TOKEN });
      onTestFinished(() => fake.close());
      const api = createStreamApi({
        platform,
        authId: AUTH_ID,
        authToken: TOKEN,
        baseUrl: fake.baseUrl,
      });
      const call = fake.createCall({ callUuid: 'call-1' });

      const started = await api.start('call-1', {
        serviceUrl: `${ws.url}?via=api`,
        bidirectional: true,
        audioTrack: 'inbound',
        contentType: 'audio/x-l16;rate=16000',
        streamTimeout: 120,
        statusCallbackUrl: `${app.origin}/status`,
        statusCallbackMethod: 'POST',
        extraHeaders: { tenant: 'acme' },
      });
      expect(started.streamId).toBe(call.streams[0]?.streamId);
      const start = await (await ws.peer).next((m) => m.event === 'start');
      expect(start.start).toMatchObject({
        callId: 'call-1',
        streamId: started.streamId,
        mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 },
      });
      expect(start.extra_headers).toBe(platform === 'vobiz' ? '{"tenant":"acme"}' : 'tenant=acme');

      const record = await api.get('call-1', started.streamId);
      expect(record).toMatchObject({
        streamId: started.streamId,
        callUuid: 'call-1',
        serviceUrl: `${ws.url}?via=api`,
        audioTrack: 'inbound',
        bidirectional: true,
        contentType: 'audio/x-l16;rate=16000',
        accountId: AUTH_ID,
        status: 'in-progress',
        streamTimeout: 120,
      });
      const list = await api.list('call-1', { limit: 5, offset: 0 });
      expect([list.total, list.objects.map((o) => o.streamId)]).toEqual([1, [started.streamId]]);

      await api.stop('call-1', started.streamId);
      await call.streams[0]?.done;
      await expect(api.stop('call-1', started.streamId)).rejects.toMatchObject({
        code: 'ERR_PLATFORM_HTTP',
        status: 404,
      });
      await api.stopAll('call-1');
      const stopped = await api.get('call-1', started.streamId);
      expect(stopped.status).toBe('completed');

      const statuses = await app.waitForStatuses(2);
      expect(statuses.map((s) => s.params.Event)).toEqual(['StartStream', 'StopStream']);
      for (const status of statuses) {
        const verify = (authToken: string): boolean =>
          verifyCallbackSignature({
            method: 'POST',
            url: `${app.origin}${status.url}`,
            params: status.params,
            headers: status.headers,
            authToken,
            platform,
          });
        expect(verify(TOKEN)).toBe(true);
        expect(verify('another-token')).toBe(false);
      }
    },
  );
});

import { Agent } from 'node:https';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createStreamApi } from './stream-api.js';
import { apiServer, json, type Received } from './test-helpers.js';

// The official SDK, sent to a local server by the loopback agent of CONTROL.md §2.5.
const require = createRequire(import.meta.url);
const plivoPath = require.resolve('plivo');
const plivo = require(plivoPath) as {
  Client: new (
    authId: string,
    authToken: string,
  ) => {
    calls: { stream(callUuid: string, serviceUrl: string, params: object): Promise<unknown> };
  };
};
const sdkAxios = createRequire(plivoPath)('axios') as { defaults: { httpsAgent: unknown } };

describe('start body: the same as the official SDK sends', () => {
  it('maps every documented parameter to the key and JSON value plivo-node sends', async () => {
    const { received: seen, port } = await apiServer(
      json(202, { api_id: 'a', message: 'audio streaming started', stream_id: 's-1' }),
    );
    const saved = sdkAxios.defaults.httpsAgent;
    class Loopback extends Agent {
      override createConnection(): Socket {
        return connect(port, '127.0.0.1');
      }
    }
    sdkAxios.defaults.httpsAgent = new Loopback({ keepAlive: false });
    onTestFinished(() => {
      sdkAxios.defaults.httpsAgent = saved;
    });

    const authId = 'MAODUZYTQ0Y2M5ZGE1MD';
    const authToken = 'MzYxNjk0YjA5OTMxNzg5ZGVlMjk0NTVlNzRhMWZi';
    const params = {
      bidirectional: true,
      audioTrack: 'inbound',
      streamTimeout: 120,
      statusCallbackUrl: 'https://cb/x?a=1&b=2',
      statusCallbackMethod: 'POST',
      contentType: 'audio/x-l16;rate=16000',
      extraHeaders: 'a=1,b=2',
      noiseCancellation: 'true',
      noiseCancellationLevel: 85,
    } as const;
    const serviceUrl = 'wss://example.com/ws?a=1&b=2';
    await new plivo.Client(authId, authToken).calls.stream('c-1', serviceUrl, { ...params });
    await createStreamApi({
      platform: 'plivo',
      authId,
      authToken,
      baseUrl: `http://127.0.0.1:${port}`,
    }).start('c-1', { serviceUrl, ...params });

    const [sdk, ours] = seen as [Received, Received];
    expect(ours.method).toBe(sdk.method);
    expect(ours.url).toBe(sdk.url);
    expect(ours.headers.authorization).toBe(sdk.headers.authorization);
    expect(JSON.parse(ours.body)).toEqual(JSON.parse(sdk.body));
    expect(Object.keys(JSON.parse(sdk.body) as object)).toHaveLength(10);
  });
});

import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallstreamError } from '@callstream/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sdkSignedHeaders } from '../../../../test/helpers/plivo-signer.js';
import {
  VECTOR_NONCE as NONCE,
  VECTOR_ORIGIN as PUBLIC,
  VECTOR_PARAMS as P,
  VECTOR_TOKEN as TOKEN,
} from '../../../../test/helpers/status-callback-vector.js';
import { readStreamStatus, type ReadStreamStatusOptions } from './read-stream-status.js';
import { parseStreamStatus } from './stream-status.js';

/** A real server that answers each request with what readStreamStatus resolved or rejected with. */
async function server(options: ReadStreamStatusOptions) {
  const http = createServer((req, res) => {
    readStreamStatus(req, options).then(
      (event) => res.writeHead(200).end(JSON.stringify({ ok: event })),
      (err: unknown) =>
        res.writeHead(200).end(
          JSON.stringify({
            code: err instanceof CallstreamError ? err.code : String(err),
            message: (err as Error).message,
          }),
        ),
    );
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const { port } = http.address() as AddressInfo;
  return async (
    method: string,
    path: string,
    body?: string | Buffer,
    headers: IncomingHttpHeaders = {},
  ): Promise<{ ok?: Record<string, unknown>; code?: string; message?: string }> => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers });
    req.end(body);
    const [res] = (await once(req, 'response')) as [NodeJS.ReadableStream];
    let text = '';
    for await (const chunk of res) text += String(chunk);
    return JSON.parse(text) as { ok?: Record<string, unknown> };
  };
}

function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function signed(
  method: 'GET' | 'POST',
  url: string,
  params: Record<string, string>,
  token = TOKEN,
): IncomingHttpHeaders {
  return {
    ...sdkSignedHeaders(method, url, params, NONCE, token),
    ...(method === 'POST' && { 'content-type': 'application/x-www-form-urlencoded' }),
  };
}

const EVENT = {
  event: 'StartStream',
  callUuid: P.CallUUID,
  streamId: P.StreamID,
  from: P.From,
  to: P.To,
  timestamp: P.Timestamp,
  serviceUrl: P.ServiceURL,
  error: '',
  params: P,
};

describe('readStreamStatus', () => {
  it('reads and verifies a signed form POST for the public URL (the Host header is not used)', async () => {
    const ask = await server({ authToken: TOKEN, publicUrl: PUBLIC });
    const url = `${PUBLIC}/stream-status?tenant=acme`;
    const reply = await ask('POST', '/stream-status?tenant=acme', form(P), signed('POST', url, P));
    expect(reply.ok).toEqual(EVENT);
  });

  it('reads and verifies a signed GET from its query', async () => {
    const ask = await server({ authToken: TOKEN, publicUrl: `${PUBLIC}/` });
    const path = `/stream-status?${form(P)}`;
    const reply = await ask('GET', path, undefined, signed('GET', `${PUBLIC}${path}`, {}));
    expect(reply.ok).toEqual(EVENT);
  });

  it('uses the path of a publicUrl that has one (a proxy that rewrites paths)', async () => {
    const ask = await server({ authToken: TOKEN, publicUrl: `${PUBLIC}/api/stream-status` });
    const headers = signed('POST', `${PUBLIC}/api/stream-status?x=1`, P);
    expect((await ask('POST', '/stream-status?x=1', form(P), headers)).ok?.event).toBe(
      'StartStream',
    );
  });

  it('without publicUrl, verifies against the Host header over http or https', async () => {
    const ask = await server({ authToken: TOKEN });
    const headers = { ...signed('POST', 'https://cb.example.com/s', P), host: 'cb.example.com' };
    expect((await ask('POST', '/s', form(P), headers)).ok?.event).toBe('StartStream');
  });

  it('rejects with ERR_INVALID_SIGNATURE a tampered param, an added param, another path, nonce or token', async () => {
    const ask = await server({ authToken: TOKEN, publicUrl: PUBLIC });
    const headers = signed('POST', `${PUBLIC}/stream-status`, P);
    const bad = [
      await ask('POST', '/stream-status', form({ ...P, Event: 'StopStream' }), headers),
      await ask('POST', '/stream-status', form({ ...P, Extra: '1' }), headers),
      await ask('POST', '/other', form(P), headers),
      await ask('POST', '/stream-status', form(P), {
        ...headers,
        'x-plivo-signature-v3-nonce': '1',
      }),
      await ask(
        'POST',
        '/stream-status',
        form(P),
        signed('POST', `${PUBLIC}/stream-status`, P, 'x'),
      ),
      await ask('POST', '/stream-status', form(P), {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    ];
    for (const reply of bad) expect(reply.code).toBe('ERR_INVALID_SIGNATURE');
  });

  it('reads a JSON body, numbers and booleans as text', async () => {
    const ask = await server({ authToken: TOKEN, publicUrl: PUBLIC });
    const params = { Event: 'PlayedStream', Name: 'first', StreamID: 's1' };
    const headers = {
      ...signed('POST', `${PUBLIC}/cb`, { ...params, Seq: '3' }),
      'content-type': 'application/json; charset=utf-8',
    };
    const reply = await ask('POST', '/cb', JSON.stringify({ ...params, Seq: 3 }), headers);
    expect(reply.ok).toMatchObject({ event: 'PlayedStream', name: 'first', params: { Seq: '3' } });
  });

  it('verifies Vobiz callbacks by their V3 header', async () => {
    const ask = await server({ authToken: TOKEN, publicUrl: PUBLIC, platform: 'vobiz' });
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', TOKEN).update(`${PUBLIC}/cb.77`).digest('base64');
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-vobiz-signature-v3': signature,
      'x-vobiz-signature-v3-nonce': '77',
    };
    expect((await ask('POST', '/cb', form(P), headers)).ok?.event).toBe('StartStream');
    expect((await ask('POST', '/cb2', form(P), headers)).code).toBe('ERR_INVALID_SIGNATURE');
  });

  it('rejects a body over maxBytes with ERR_CALLBACK_TOO_LARGE, declared or streamed', async () => {
    const ask = await server({ authToken: false, maxBytes: 100 });
    const big = `Event=StartStream&Pad=${'x'.repeat(200)}`;
    const ct = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await ask('POST', '/cb', big, ct)).code).toBe('ERR_CALLBACK_TOO_LARGE');
    expect((await ask('POST', '/cb', big, { ...ct, 'transfer-encoding': 'chunked' })).code).toBe(
      'ERR_CALLBACK_TOO_LARGE',
    );
    const fits = `Event=StartStream&Pad=${'x'.repeat(100 - 22)}`;
    expect(Buffer.byteLength(fits)).toBe(100);
    expect((await ask('POST', '/cb', fits, ct)).ok?.event).toBe('StartStream');
  });

  it('rejects malformed callbacks with ERR_INVALID_CALLBACK', async () => {
    const ask = await server({ authToken: false });
    const replies = [
      await ask('POST', '/cb', 'From=1&To=2', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      await ask('POST', '/cb', '{"Event":', { 'content-type': 'application/json' }),
      await ask('POST', '/cb', '["Event"]', { 'content-type': 'application/json' }),
      await ask('POST', '/cb', '{"Event":{"a":1}}', { 'content-type': 'application/json' }),
      await ask('POST', '/cb', 'Event=StartStream', { 'content-type': 'text/plain' }),
      await ask('PUT', '/cb', 'Event=StartStream'),
      await ask('GET', '/cb?From=1'),
    ];
    for (const reply of replies) expect(reply.code).toBe('ERR_INVALID_CALLBACK');
  });

  it('with authToken false, accepts unsigned callbacks; the option is required', async () => {
    const ask = await server({ authToken: false });
    expect((await ask('GET', '/cb?Event=StopStream&StreamID=s9')).ok).toMatchObject({
      event: 'StopStream',
      streamId: 's9',
    });
    const req = {} as never;
    await expect(readStreamStatus(req, {} as ReadStreamStatusOptions)).rejects.toThrow(
      'Invalid option "authToken"',
    );
    await expect(readStreamStatus(req, { authToken: false, maxBytes: 0 })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('parseStreamStatus', () => {
  it('maps the documented parameters, keeps unknown ones and repeated keys in params', () => {
    const event = parseStreamStatus(
      new URLSearchParams(
        'Event=DroppedStream&Error=connection+disconnected&Tag=a&Tag=b&ParentAuthID=MA_1&__proto__=x',
      ),
    );
    expect(event).toEqual({
      event: 'DroppedStream',
      error: 'connection disconnected',
      parentAuthId: 'MA_1',
      params: {
        Event: 'DroppedStream',
        Error: 'connection disconnected',
        Tag: ['a', 'b'],
        ParentAuthID: 'MA_1',
        ['__proto__']: 'x',
      },
    });
    expect(Object.isFrozen(event.params)).toBe(true);
    expect(Object.hasOwn(event.params, '__proto__')).toBe(true);
  });

  it('accepts a record, and passes an unknown event name through', () => {
    expect(parseStreamStatus({ Event: 'SomethingNew', CallUUID: 'c' })).toMatchObject({
      event: 'SomethingNew',
      callUuid: 'c',
    });
  });

  it('throws ERR_INVALID_CALLBACK without an Event or with a value that is not a string', () => {
    for (const params of [{}, { Event: '' }, { Event: 1 }, { Event: 'StartStream', X: { a: 1 } }]) {
      expect(() => parseStreamStatus(params as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_CALLBACK' }),
      );
    }
  });
});

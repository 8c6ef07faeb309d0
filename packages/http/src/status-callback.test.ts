import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Logger } from '@callstream/core';
import type { StreamStatusEvent } from '@callstream/control';
import express from 'express';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sdkSignedHeaders } from '../../../test/helpers/plivo-signer.js';
import {
  VECTOR_NONCE as NONCE,
  VECTOR_ORIGIN as PUBLIC,
  VECTOR_PARAMS,
  VECTOR_TOKEN as TOKEN,
} from '../../../test/helpers/status-callback-vector.js';
import { streamStatusMiddleware, type StreamStatusMiddlewareOptions } from './index.js';

// The callback of CONTROL.md §3.5 without From and To.
const { From: _from, To: _to, ...P } = VECTOR_PARAMS;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function signed(
  method: 'GET' | 'POST',
  url: string,
  params: Record<string, string>,
): IncomingHttpHeaders {
  return sdkSignedHeaders(method, url, params, NONCE, TOKEN);
}

/** A logger that keeps what it was given. */
function recordingLogger() {
  const lines: { level: string; obj: unknown; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger: Logger = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return { logger, lines };
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

function send(
  port: number,
  method: string,
  path: string,
  body?: string,
  headers: IncomingHttpHeaders = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, async (res) => {
      let text = '';
      for await (const chunk of res) text += String(chunk);
      resolve({ status: res.statusCode ?? 0, body: text });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The events a handler received, and a way to wait for the next one. */
function events() {
  const seen: StreamStatusEvent[] = [];
  const waiters: (() => void)[] = [];
  return {
    seen,
    handler: (event: StreamStatusEvent): void => {
      seen.push(event);
      waiters.splice(0).forEach((wake) => wake());
    },
    async next(count: number): Promise<void> {
      while (seen.length < count) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

const OPTIONS: StreamStatusMiddlewareOptions = { authToken: TOKEN, publicUrl: PUBLIC };

describe('streamStatusMiddleware on node:http', () => {
  it('answers 200 with an empty body and hands the verified event to the handler', async () => {
    const got = events();
    const middleware = streamStatusMiddleware(OPTIONS, got.handler);
    const port = await listen(createServer(middleware));
    const body = new URLSearchParams(P).toString();
    const res = await send(port, 'POST', '/cb', body, {
      ...FORM,
      ...signed('POST', `${PUBLIC}/cb`, P),
    });
    expect(res).toEqual({ status: 200, body: '' });
    await got.next(1);
    expect(got.seen[0]).toMatchObject({
      event: 'StartStream',
      streamId: P.StreamID,
      serviceUrl: P.ServiceURL,
    });
    expect(middleware.stats).toMatchObject({ accepted: 1, invalidSignature: 0 });
  });

  it('refuses a bad signature with 403, a malformed callback with 400, a large body with 413; logs and counts each', async () => {
    const got = events();
    const { logger, lines } = recordingLogger();
    const middleware = streamStatusMiddleware({ ...OPTIONS, logger, maxBytes: 1024 }, got.handler);
    const port = await listen(createServer(middleware));
    const body = new URLSearchParams(P).toString();
    const tampered = new URLSearchParams({ ...P, Event: 'StopStream' }).toString();
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/cb`, P) };
    expect((await send(port, 'POST', '/cb', tampered, headers)).status).toBe(403);
    expect((await send(port, 'POST', '/other', body, headers)).status).toBe(403);
    const noEvent = { ...P, Event: '' };
    const noEventHeaders = { ...FORM, ...signed('POST', `${PUBLIC}/cb`, noEvent) };
    expect(
      (await send(port, 'POST', '/cb', new URLSearchParams(noEvent).toString(), noEventHeaders))
        .status,
    ).toBe(400);
    expect((await send(port, 'PUT', '/cb', body, headers)).status).toBe(400);
    expect((await send(port, 'POST', '/cb', `Event=x&Pad=${'p'.repeat(2000)}`, FORM)).status).toBe(
      413,
    );
    expect(got.seen).toHaveLength(0);
    expect(middleware.stats).toEqual({
      accepted: 0,
      invalidSignature: 2,
      malformed: 2,
      tooLarge: 1,
      handlerErrors: 0,
    });
    expect(lines.map((l) => [l.level, (l.obj as { code: string }).code])).toEqual([
      ['warn', 'ERR_INVALID_SIGNATURE'],
      ['warn', 'ERR_INVALID_SIGNATURE'],
      ['warn', 'ERR_INVALID_CALLBACK'],
      ['warn', 'ERR_INVALID_CALLBACK'],
      ['warn', 'ERR_CALLBACK_TOO_LARGE'],
    ]);
  });

  it('answers before a slow handler finishes, and logs a throwing or rejecting handler without crashing', async () => {
    const { logger, lines } = recordingLogger();
    let calls = 0;
    const middleware = streamStatusMiddleware({ ...OPTIONS, logger }, () => {
      calls++;
      if (calls === 1) return new Promise(() => {}); // never settles
      if (calls === 2) throw new Error('sync boom');
      return Promise.reject(new Error('async boom'));
    });
    const port = await listen(createServer(middleware));
    const body = new URLSearchParams(P).toString();
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/cb`, P) };
    for (let i = 0; i < 3; i++)
      expect((await send(port, 'POST', '/cb', body, headers)).status).toBe(200);
    while (middleware.stats.handlerErrors < 2) await new Promise((r) => setTimeout(r, 5));
    expect(middleware.stats).toMatchObject({ accepted: 3, handlerErrors: 2 });
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => (l.obj as { err: Error }).err.message)).toEqual([
      'sync boom',
      'async boom',
    ]);
    expect((await send(port, 'POST', '/cb', body, headers)).status).toBe(200);
  });

  it('survives a client that hangs up halfway through the body, counting it as malformed', async () => {
    const middleware = streamStatusMiddleware(OPTIONS, () => {});
    const port = await listen(createServer(middleware));
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'POST /cb HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nEvent=Sta',
    );
    await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
    while (middleware.stats.malformed === 0) await new Promise((r) => setTimeout(r, 5));
    const body = new URLSearchParams(P).toString();
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/cb`, P) };
    expect((await send(port, 'POST', '/cb', body, headers)).status).toBe(200);
    expect(middleware.stats).toMatchObject({ malformed: 1, accepted: 1 });
  });

  it('reads a signed GET callback from its query', async () => {
    const got = events();
    const port = await listen(createServer(streamStatusMiddleware(OPTIONS, got.handler)));
    const path = `/cb?${new URLSearchParams({ Event: 'StopStream', StreamID: 's1' }).toString()}`;
    expect(
      (await send(port, 'GET', path, undefined, signed('GET', `${PUBLIC}${path}`, {}))).status,
    ).toBe(200);
    await got.next(1);
    expect(got.seen[0]).toMatchObject({ event: 'StopStream', streamId: 's1' });
  });

  it('throws a TypeError for a missing authToken or handler', () => {
    expect(() => streamStatusMiddleware({} as StreamStatusMiddlewareOptions, () => {})).toThrow(
      'Invalid option "authToken"',
    );
    expect(() => streamStatusMiddleware(OPTIONS, undefined as never)).toThrow('"handler"');
  });
});

describe('streamStatusMiddleware in Express', () => {
  it.each([
    ['no body parser', []],
    ['express.urlencoded({ extended: false })', [express.urlencoded({ extended: false })]],
    ['express.urlencoded({ extended: true })', [express.urlencoded({ extended: true })]],
    ['express.json() (a form body it leaves alone)', [express.json()]],
    ['express.text({ type: "*/*" })', [express.text({ type: '*/*' })]],
  ])('verifies form callbacks with %s in front', async (_name, parsers) => {
    const got = events();
    const app = express();
    app.post(
      '/stream-status',
      ...(parsers as express.RequestHandler[]),
      streamStatusMiddleware(OPTIONS, got.handler),
    );
    app.get('/health', (_req, res) => {
      res.send('ok');
    });
    const port = await listen(createServer(app));
    const repeated = { ...P, Tag: ['a', 'b'] };
    const body = `${new URLSearchParams(P).toString()}&Tag=a&Tag=b`;
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/stream-status`, repeated as never) };
    expect(await send(port, 'POST', '/stream-status', body, headers)).toEqual({
      status: 200,
      body: '',
    });
    await got.next(1);
    expect(got.seen[0]?.params).toEqual(repeated);
    const tampered = body.replace('StartStream', 'StopStream');
    expect((await send(port, 'POST', '/stream-status', tampered, headers)).status).toBe(403);
    expect((await send(port, 'GET', '/health')).body).toBe('ok');
  });

  it('verifies a JSON callback read by express.json()', async () => {
    const got = events();
    const app = express();
    app.post('/cb', express.json(), streamStatusMiddleware(OPTIONS, got.handler));
    const port = await listen(createServer(app));
    const headers = { 'content-type': 'application/json', ...signed('POST', `${PUBLIC}/cb`, P) };
    expect((await send(port, 'POST', '/cb', JSON.stringify(P), headers)).status).toBe(200);
    await got.next(1);
    expect(got.seen[0]?.event).toBe('StartStream');
  });

  it('verifies the full path below an Express mount point (req.originalUrl)', async () => {
    const got = events();
    const app = express();
    const hooks = express.Router();
    hooks.use('/stream-status', streamStatusMiddleware(OPTIONS, got.handler));
    app.use('/hooks', hooks);
    const port = await listen(createServer(app));
    const body = new URLSearchParams(P).toString();
    const headers = { ...FORM, ...signed('POST', `${PUBLIC}/hooks/stream-status?t=1`, P) };
    expect((await send(port, 'POST', '/hooks/stream-status?t=1', body, headers)).status).toBe(200);
    await got.next(1);
    expect(got.seen[0]?.event).toBe('StartStream');
  });
});

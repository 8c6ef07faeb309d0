import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { describe, expect, expectTypeOf, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import type { CallStream } from '@callstream/core';
import { attachStreamServer, type AttachedStreamServer } from './index.js';
import { FakePlatform } from '../../../test/helpers/fake-platform.js';
import { upgradeStatus } from '../../../test/helpers/adapter-clients.js';

// Self-signed P-256 certificate for 127.0.0.1, made for this test only (valid until 2126).
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1dvyyZVVq4PtATbk
pAaEB/rnPI05HOe4u/SCsqq9AQqhRANCAARpKyo18aEj09k92idp1ukM/AEgpPwD
kYRv673w9HSf5YaHvZEl7Dzu4Rf5Qr5Rd5W/A8KmiyLY2vY+VxFc4bPQ
-----END PRIVATE KEY-----`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBkDCCATagAwIBAgIUIN/4rKq2yt0B2SAT10JkwwufBLgwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMTEwNDAxMFoYDzIxMjYxMDI4
MTA0MDEwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARpKyo18aEj09k92idp1ukM/AEgpPwDkYRv673w9HSf5YaHvZEl7Dzu
4Rf5Qr5Rd5W/A8KmiyLY2vY+VxFc4bPQo2QwYjAdBgNVHQ4EFgQUdbqi7XS5b+dg
MD2LHnUUUEvBaG4wHwYDVR0jBBgwFoAUdbqi7XS5b+dgMD2LHnUUUEvBaG4wDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
IQCQLdnB1wRcqsxVxnlzUrSgtYlIV4cBe/SB1ufC4WLxkwIgRsTMQbzlRtvdtprL
FwLRRMbNrX5VfzZ/8uQ23rlb8Cc=
-----END CERTIFICATE-----`;

/** A plain http server on 127.0.0.1:0 whose request handler answers 200 "plain". */
async function listen(server: Server | HttpsServer = createServer()): Promise<number> {
  server.on('request', (_req, res) => res.end('plain'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

function attach(server: Server | HttpsServer, options: Parameters<typeof attachStreamServer>[1]) {
  const attached = attachStreamServer(server, options);
  onTestFinished(() => attached.close());
  return attached;
}

/** An `upgrade` listener of someone else's that answers `path` with 418 and leaves the rest. */
function teapot(path: string): (req: IncomingMessage, socket: Duplex) => void {
  return (req, socket) => {
    if (req.url === path) socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 0\r\n\r\n');
  };
}

/** Next stream given to onStream, as a promise, plus the onStream to pass. */
function streamsOf() {
  const seen: CallStream[] = [];
  let wake: (() => void) | undefined;
  return {
    seen,
    onStream: (stream: CallStream) => {
      seen.push(stream);
      wake?.();
    },
    next: (): Promise<CallStream> =>
      new Promise((resolve) => {
        const check = (): void => {
          const s = seen.shift();
          if (s) resolve(s);
          else wake = check;
        };
        check();
      }),
  };
}

describe('attachStreamServer', () => {
  it('answers 404 for other paths when its listener is the only upgrade listener', async () => {
    const server = createServer();
    attach(server, { path: '/stream' });
    const port = await listen(server);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/other`)).toBe(404);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/stream`)).toBe(101);
  });

  it('leaves other paths to a listener registered after it, or before it', async () => {
    const after = createServer();
    attach(after, { path: '/stream' });
    after.on('upgrade', teapot('/tea'));
    const before = createServer();
    before.on('upgrade', teapot('/tea'));
    attach(before, { path: '/stream' });
    for (const server of [after, before]) {
      const port = await listen(server);
      expect(await upgradeStatus(`ws://127.0.0.1:${port}/tea`)).toBe(418);
      expect(await upgradeStatus(`ws://127.0.0.1:${port}/stream`)).toBe(101);
    }
  });

  it('lets several attached servers share one http server; the first match takes a path', async () => {
    const server = createServer();
    const a = streamsOf();
    const b = streamsOf();
    attach(server, { path: ['/a', '/both'], onStream: a.onStream });
    attach(server, { path: ['/b', '/both'], onStream: b.onStream });
    const port = await listen(server);
    expect(await upgradeStatus(`ws://127.0.0.1:${port}/nobody`)).toBe(404);
    for (const path of ['/a', '/b', '/both']) {
      const platform = await FakePlatform.connect(`ws://127.0.0.1:${port}${path}`);
      onTestFinished(() => void platform.close());
      platform.start({ callId: `call${path.replace('/', '-')}`, streamId: path });
    }
    const fromA = [(await a.next()).callId, (await a.next()).callId].sort();
    const fromB = (await b.next()).callId;
    expect({ fromA, fromB, leftA: a.seen.length, leftB: b.seen.length }).toEqual({
      fromA: ['call-a', 'call-both'],
      fromB: 'call-b',
      leftA: 0,
      leftB: 0,
    });
  });

  it('close() closes live streams with 1001, detaches, and leaves the http server serving', async () => {
    const server = createServer();
    const s = streamsOf();
    const attached = attach(server, { path: '/stream', onStream: s.onStream });
    const port = await listen(server);
    expect(server.listeners('upgrade')).toHaveLength(1);
    const platform = await FakePlatform.connect(`ws://127.0.0.1:${port}/stream`);
    platform.start({ streamId: 'live' });
    const stream = await s.next();
    const playback = stream.playAudio(new Int16Array(8000 * 3));
    expect([...attached.streams.keys()]).toEqual(['live']);
    const closing = attached.close();
    expect(attached.close()).toBe(closing);
    await closing;
    expect((await platform.closed).code).toBe(1001);
    expect((await playback).status).toBe('closed');
    expect(attached.streams.size).toBe(0);
    expect(server.listeners('upgrade')).toHaveLength(0);
    expect(server.listening).toBe(true);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('plain');
  });

  it('serves streams on a node:https server', async () => {
    const server = createHttpsServer({ key: TLS_KEY, cert: TLS_CERT });
    const s = streamsOf();
    attach(server, { path: '/stream', onStream: s.onStream });
    const port = await listen(server);
    const ws = new WebSocket(`wss://127.0.0.1:${port}/stream`, { ca: TLS_CERT });
    onTestFinished(() => ws.terminate());
    await once(ws, 'open');
    ws.send(
      JSON.stringify({
        event: 'start',
        start: {
          callId: 'tls-call',
          streamId: 'tls',
          tracks: ['inbound'],
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
        },
      }),
    );
    expect((await s.next()).callId).toBe('tls-call');
  });

  it('throws a TypeError naming an invalid argument or option', () => {
    const server = createServer();
    expect(() => attachStreamServer({} as Server, {})).toThrowError(/"server"/);
    expect(() => attachStreamServer(server, null as never)).toThrowError(/"options"/);
    expect(() => attachStreamServer(server, { onStream: 'no' as never })).toThrowError(
      /"onStream"/,
    );
    expect(() => attachStreamServer(server, { path: 'stream' })).toThrowError(/"path"/);
    expect(() => attachStreamServer(server, { chunkMs: 30 })).toThrowError(/"chunkMs"/);
    expect(() => attachStreamServer(server, { maxPayload: 1000 })).toThrowError(/"maxPayload"/);
    expect(() => attachStreamServer(server, { authenticate: 1 as never })).toThrowError(
      /"authenticate"/,
    );
    expect(server.listeners('upgrade')).toHaveLength(0);
  });

  it('has the public types of the contract', () => {
    expectTypeOf(attachStreamServer).parameter(0).toEqualTypeOf<Server | HttpsServer>();
    expectTypeOf<AttachedStreamServer['streams']>().toEqualTypeOf<
      ReadonlyMap<string, CallStream>
    >();
    expectTypeOf<AttachedStreamServer['close']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf(attachStreamServer).parameter(1).toHaveProperty('onStream');
  });
});

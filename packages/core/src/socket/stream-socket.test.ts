import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';
import { acceptStream } from '../accept-stream.js';
import { serializeMedia, serializeStart } from '../protocol/serialize-platform.js';
import type { CallStream } from '../stream/call-stream.js';
import { StreamSocket } from './stream-socket.js';
import { RawClient, textFrame, upgradeRequest } from '../../../../test/helpers/raw-client.js';

/** A ws server of StreamSockets on port 0 and one client of it; both closed after the test. */
async function connect(options: ServerOptions = {}) {
  const wss = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    WebSocket: StreamSocket,
    ...options,
  });
  onTestFinished(() => void wss.close());
  await once(wss, 'listening');
  const { port } = wss.address() as { port: number };
  const accepted = once(wss, 'connection') as Promise<[StreamSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${String(port)}`, {
    perMessageDeflate: options.perMessageDeflate !== undefined,
  });
  onTestFinished(() => client.terminate());
  await once(client, 'open');
  const [server] = await accepted;
  return { server, client };
}

/** Resolves with the next `count` messages `socket` emits, as text (binary ones marked). */
function messages(socket: WebSocket, count: number): Promise<string[]> {
  const got: string[] = [];
  return new Promise((resolve) => {
    socket.on('message', (data: Buffer, isBinary) => {
      got.push(isBinary ? `binary:${data.toString('hex')}` : data.toString());
      if (got.length === count) resolve(got);
    });
  });
}

describe('StreamSocket', () => {
  it('reads the frames itself with the ws of the lockfile, and emits them as ws does', async () => {
    const { server, client } = await connect();
    const got = messages(server, 3);
    client.send('{"event":"media"}');
    client.send(Buffer.from([1, 2, 3]));
    client.send('x'.repeat(300));
    expect({ messages: await got, reads: server.readsFrames }).toEqual({
      messages: ['{"event":"media"}', 'binary:010203', 'x'.repeat(300)],
      reads: true,
    });
  });

  it('answers a ping with its payload (ws auto-pong) and reports pongs', async () => {
    const { server, client } = await connect();
    const pongOnClient = once(client, 'pong') as Promise<[Buffer]>;
    client.ping('are you there');
    const pongOnServer = once(server, 'pong') as Promise<[Buffer]>;
    server.ping('heartbeat');
    expect({
      client: String((await pongOnClient)[0]),
      server: String((await pongOnServer)[0]),
      reads: server.readsFrames,
    }).toEqual({ client: 'are you there', server: 'heartbeat', reads: true });
  });

  it('reads its TCP socket into the shared buffer: the socket emits no data events', async () => {
    const { server, client } = await connect();
    const raw = (server as unknown as { _socket: Socket })._socket;
    let dataEvents = 0;
    raw.on('data', () => dataEvents++);
    const got = messages(server, 2);
    client.send('one');
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.send('two');
    expect({ messages: await got, dataEvents }).toEqual({
      messages: ['one', 'two'],
      dataEvents: 0,
    });
  });

  it('moves to the shared buffer after the bytes that came with the upgrade request', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', WebSocket: StreamSocket });
    onTestFinished(() => void wss.close());
    await once(wss, 'listening');
    const { port } = wss.address() as { port: number };
    // Listens from the connection on: the first frame may be read before 'connection' returns.
    const accepted = new Promise<{ server: StreamSocket; first: Promise<string[]> }>((resolve) =>
      wss.once('connection', (server: StreamSocket) =>
        resolve({ server, first: messages(server, 1) }),
      ),
    );
    const client = await RawClient.connect(port);
    // The upgrade request and the first frame in one write: ws puts that frame back into the
    // socket's Readable buffer, so the shared buffer cannot be used at once.
    client.send(Buffer.concat([upgradeRequest(port, '/'), textFrame('with the upgrade')]));
    const { server, first } = await accepted;
    expect(await first).toEqual(['with the upgrade']);
    const raw = (server as unknown as { _socket: Socket })._socket;
    let dataEvents = 0;
    raw.on('data', () => dataEvents++);
    const later = messages(server, 2);
    client.send(textFrame('later one'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.send(textFrame('later two'));
    expect({ messages: await later, dataEvents }).toEqual({
      messages: ['later one', 'later two'],
      dataEvents: 0,
    });
  });

  it('gives listeners messages, pings and pongs that stay as they came after later reads', async () => {
    const { server, client } = await connect();
    const kept: Buffer[] = [];
    const next = (): Promise<void> =>
      new Promise((resolve) => {
        const keep = (data: Buffer): void => {
          kept.push(data);
          server.off('message', keep).off('ping', keep).off('pong', keep);
          resolve();
        };
        server.on('message', keep).on('ping', keep).on('pong', keep);
      });
    // Each in a read of its own, all the same length: a view of the read would show the last.
    for (const send of [
      () => client.send('message 1'),
      () => client.ping('ping 1...'),
      () => client.pong('pong 1...'),
      () => client.send('message 2'),
    ]) {
      const got = next();
      send();
      await got;
    }
    expect(kept.map(String)).toEqual(['message 1', 'ping 1...', 'pong 1...', 'message 2']);
  });

  it('sends the messages to the handler it is given instead of emitting them', async () => {
    const { server, client } = await connect();
    let emitted = 0;
    server.on('message', () => emitted++);
    const taken: string[] = [];
    const done = new Promise<void>((resolve) => {
      expect(
        server.takeMessages((data, isBinary) => {
          taken.push(`${String(isBinary)}:${data.toString()}`);
          if (taken.length === 2) resolve();
        }),
      ).toBe(true);
    });
    client.send('one');
    client.send('two');
    await done;
    expect({ taken, emitted }).toEqual({ taken: ['false:one', 'false:two'], emitted: 0 });
  });

  it("gives acceptStream on a user's own server the frames straight, with no message events", async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', WebSocket: StreamSocket });
    onTestFinished(() => void wss.close());
    await once(wss, 'listening');
    let emitted = 0;
    const accepted = new Promise<[CallStream, StreamSocket]>((resolve) => {
      wss.on('connection', (socket: StreamSocket, req) => {
        const stream = acceptStream(socket, req);
        socket.on('message', () => emitted++);
        resolve([stream, socket]);
      });
    });
    const { port } = wss.address() as { port: number };
    const client = new WebSocket(`ws://127.0.0.1:${String(port)}`);
    onTestFinished(() => client.terminate());
    await once(client, 'open');
    const [stream, socket] = await accepted;
    client.send(
      serializeStart({
        callId: 'c',
        streamId: 's',
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      }),
    );
    const media = (chunk: number): string =>
      serializeMedia({
        sequenceNumber: chunk,
        streamId: 's',
        track: 'inbound',
        timestamp: 20 * chunk,
        chunk,
        payload: Buffer.alloc(160, 0xff).toString('base64'),
      });
    client.send(media(1));
    client.send(media(2));
    const chunks: number[] = [];
    for await (const frame of stream) {
      chunks.push(frame.chunk);
      if (chunks.length === 2) break;
    }
    expect({ chunks, emitted, reads: socket.readsFrames }).toEqual({
      chunks: [1, 2],
      emitted: 0,
      reads: true,
    });
  });

  it('leaves a fragmented message and everything after it to ws, in order', async () => {
    const { server, client } = await connect();
    const got = messages(server, 3);
    client.send('before');
    client.send('frag', { fin: false });
    // What follows comes in reads of its own: ws reads them.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const pong = once(client, 'pong');
    client.ping();
    await pong;
    client.send('mented', { fin: true });
    client.send('after');
    expect({
      messages: await got,
      reads: server.readsFrames,
      takes: server.takeMessages(() => {}),
    }).toEqual({ messages: ['before', 'fragmented', 'after'], reads: false, takes: false });
  });

  it('leaves the close handshake to ws: the code and reason arrive, both sides close', async () => {
    const { server, client } = await connect();
    const got = messages(server, 1);
    client.send('last words');
    const closed = once(server, 'close') as Promise<[number, Buffer]>;
    client.close(4000, 'bye');
    const [code, reason] = await closed;
    await once(client, 'close');
    expect({
      messages: await got,
      code,
      reason: String(reason),
      reads: server.readsFrames,
    }).toEqual({ messages: ['last words'], code: 4000, reason: 'bye', reads: false });
  });

  it('with permessage-deflate, reads plain frames and leaves the first compressed one on to ws', async () => {
    const { server, client } = await connect({ perMessageDeflate: true });
    const first = messages(server, 1);
    client.send('plain', { compress: false });
    await first;
    const readsPlain = server.readsFrames;
    const rest = messages(server, 2);
    client.send('compressed');
    client.send('plain again', { compress: false });
    expect({
      extensions: server.extensions,
      readsPlain,
      messages: await rest,
      reads: server.readsFrames,
    }).toEqual({
      extensions: 'permessage-deflate',
      readsPlain: true,
      messages: ['compressed', 'plain again'],
      reads: false,
    });
  });
});

import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, expectTypeOf, it, onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  acceptStream,
  isCallstreamError,
  type AudioFrame,
  type CallStream,
  type CallstreamErrorCode,
  type Logger,
  type Playback,
  type PlaybackResult,
  type StreamStats,
} from '@callstream/core';
import { startServer, startMessage } from './helpers/server.js';

/** A ws server whose connections go straight to acceptStream, to test the seam itself. */
async function seam(options: Parameters<typeof acceptStream>[2] = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  onTestFinished(() => new Promise<void>((r) => wss.close(() => r())));
  const streams: Promise<CallStream> = new Promise((resolve) => {
    wss.once('connection', (socket, req: IncomingMessage) =>
      resolve(acceptStream(socket, req, options)),
    );
  });
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  onTestFinished(() => ws.terminate());
  await once(ws, 'open');
  return { ws, stream: await streams };
}

describe('acceptStream', () => {
  it('throws a TypeError for maxPayload, which only the WebSocket server can apply', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    onTestFinished(() => new Promise<void>((r) => wss.close(() => r())));
    const outcome = new Promise<unknown>((resolve) => {
      wss.once('connection', (socket, req: IncomingMessage) => {
        try {
          resolve(acceptStream(socket, req, { maxPayload: 4096 } as never));
        } catch (err) {
          resolve(err);
        }
        socket.terminate();
      });
    });
    const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    ws.on('error', () => {});
    onTestFinished(() => ws.terminate());
    const err = await outcome;
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/^Invalid option "maxPayload": .*createStreamServer/);
  });

  it('rejects started with ERR_START_TIMEOUT and closes 1008 when start does not come', async () => {
    const { ws, stream } = await seam({ startTimeoutMs: 100 });
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1008);
    const err = await stream.started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCallstreamError(err, 'ERR_START_TIMEOUT')).toBe(true);
  });

  it('rejects started with ERR_STREAM_CLOSED when the socket closes before start', async () => {
    const { ws, stream } = await seam();
    ws.close(1000);
    const err = await stream.started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCallstreamError(err, 'ERR_STREAM_CLOSED')).toBe(true);
    expect((await stream.closed).code).toBe(1000);
  });

  it('counts a second start as malformed and keeps the first', async () => {
    const { ws, stream } = await seam();
    const start = (id: string): string =>
      JSON.stringify({
        event: 'start',
        start: {
          callId: id,
          streamId: id,
          tracks: ['inbound'],
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
        },
      });
    const codes: string[] = [];
    stream.on('frameError', (e) => codes.push(e.code));
    ws.send(start('first'));
    ws.send(start('second'));
    await stream.started;
    await new Promise((r) => setTimeout(r, 50));
    expect(stream.callId).toBe('first');
    expect(codes).toEqual(['ERR_DUPLICATE_START']);
  });

  it('closes with 1003 when start announces a format it cannot decode', async () => {
    const { ws, stream } = await seam();
    ws.send(startMessage('audio/x-mulaw', 16000));
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1003);
    const err = await stream.started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCallstreamError(err, 'ERR_UNSUPPORTED_FORMAT')).toBe(true);
  });

  it('refuses an L16 48 kHz start (no platform plays it): 1003, and queued audio is never sent', async () => {
    const { ws, stream } = await seam();
    const received: string[] = [];
    ws.on('message', (data) => received.push(String(data)));
    const playback = stream.playAudio(new Int16Array(4800)); // queued before start
    const closed = once(ws, 'close') as Promise<[number]>;
    ws.send(startMessage('audio/x-l16', 48000));
    const outcome = await Promise.race([
      closed.then(([code]) => code),
      new Promise<string>((r) => setTimeout(() => r('still open'), 1000)),
    ]);
    expect(outcome).toBe(1003);
    const err = await stream.started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCallstreamError(err, 'ERR_UNSUPPORTED_FORMAT')).toBe(true);
    expect(await playback).toStrictEqual({ status: 'closed', playedMs: 0 });
    expect(received).toStrictEqual([]);
  });
});

describe('logging', () => {
  it('logs each call through logger.child({ callId, streamId }) and never logs payloads', async () => {
    const lines: { bindings: Record<string, unknown>; args: unknown[] }[] = [];
    const make = (bindings: Record<string, unknown>): Logger => {
      const log = (...args: unknown[]): void => void lines.push({ bindings, args });
      return {
        trace: log,
        debug: log,
        info: log,
        warn: log,
        error: log,
        child: (b) => make({ ...bindings, ...b }),
      };
    };
    const { connect, nextStream } = await startServer({ logger: make({}) });
    const streamP = nextStream();
    const platform = await connect();
    platform.start({ callId: 'call-log', streamId: 'stream-log' });
    await streamP;
    platform.media(new Uint8Array(160).fill(0x42));
    platform.send('{bad');
    await platform.close();
    await new Promise((r) => setTimeout(r, 50));
    const callLines = lines.filter((l) => l.bindings.callId === 'call-log');
    expect(callLines.length).toBeGreaterThan(0);
    expect(callLines.every((l) => l.bindings.streamId === 'stream-log')).toBe(true);
    const payload = Buffer.from(new Uint8Array(160).fill(0x42)).toString('base64');
    expect(JSON.stringify(lines.map((l) => l.args))).not.toContain(payload.slice(0, 40));
  });
});

describe('public types', () => {
  it('types the stream, its events and playback results', () => {
    expectTypeOf<CallStream['callId']>().toEqualTypeOf<string>();
    expectTypeOf<CallStream['tracks']>().toEqualTypeOf<readonly ('inbound' | 'outbound')[]>();
    expectTypeOf<AudioFrame['samples']>().toEqualTypeOf<Int16Array>();
    expectTypeOf<PlaybackResult['status']>().toEqualTypeOf<'played' | 'interrupted' | 'closed'>();
    expectTypeOf<Playback>().toMatchTypeOf<PromiseLike<PlaybackResult>>();
    expectTypeOf<CallStream['checkpoint']>().returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf<StreamStats['frames']>().toEqualTypeOf<Record<'inbound' | 'outbound', number>>();
    expectTypeOf<'ERR_INVALID_BASE64'>().toMatchTypeOf<CallstreamErrorCode>();
    expectTypeOf<CallStream>().toMatchTypeOf<AsyncIterable<AudioFrame>>();
    const listen = (stream: CallStream): void => {
      stream.on('media', (frame) => expectTypeOf(frame).toEqualTypeOf<AudioFrame>());
      stream.on('dtmf', (d) => expectTypeOf(d.digit).toMatchTypeOf<string>());
      stream.on('close', (c) => expectTypeOf(c.code).toEqualTypeOf<number>());
    };
    expect(typeof listen).toBe('function');
  });
});

import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { WebSocket } from 'ws';
import { StreamSocket, type CallStream, type CallstreamError } from '@callstream/core';
import { ERROR_CODES, serializeMedia } from '@callstream/core/internal';
import { upgradeStatus } from './helpers/adapter-clients.js';
import {
  serveStreams,
  STREAM_PATH,
  TARGETS,
  type TargetFactory,
  type TargetOptions,
} from './helpers/adapter-targets.js';
import { FakePlatform, le16 } from './helpers/fake-platform.js';
import { frame, RawClient, textFrame, upgradeRequest } from './helpers/raw-client.js';
import { collect } from './helpers/server.js';

// What a server promises under bad input, at the socket level, for every way of serving
// streams: resets at each moment of the upgrade, authenticate that hangs, broken WebSocket
// framing over raw TCP, oversized frames, a peer that stops reading or stops answering pings,
// and churn. Every wait is bounded, every socket is on loopback.

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with `promise`'s value, or with 'timeout' after `ms` (so a hang fails, not stalls). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const START = (streamId: string, encoding = 'audio/x-mulaw', sampleRate = 8000) => ({
  event: 'start',
  start: {
    callId: `call-${streamId}`,
    streamId,
    accountId: 'MA-1',
    tracks: ['inbound'],
    mediaFormat: { encoding, sampleRate },
  },
});

/** Media message `chunk` of `streamId`: 160 mu-law bytes of `byte`. */
const MEDIA = (streamId: string, chunk: number, byte: number): string =>
  serializeMedia({
    sequenceNumber: chunk,
    streamId,
    track: 'inbound',
    timestamp: 1000 + 20 * chunk,
    chunk,
    payload: Buffer.alloc(160, byte).toString('base64'),
  });

/** A target whose started streams are queued for `next()`. */
async function serve(target: TargetFactory, options: TargetOptions = {}) {
  const { server, next } = await serveStreams(target, options);
  /** A normal call: proves the server still serves after whatever came before. */
  const healthyCall = async (streamId: string): Promise<string> => {
    const platform = await FakePlatform.connect(server.url());
    onTestFinished(() => void platform.close());
    const streamP = next();
    platform.start({ streamId, callId: `call-${streamId}` });
    const stream = await streamP;
    const frames = collect(stream.frames());
    platform.media(new Uint8Array(160).fill(0xff));
    await platform.close();
    return `${stream.callId}:${(await frames).length}`;
  };
  return { server, next, healthyCall };
}

/** Errors reported by `frameError`, and the stream's end. */
function watch(stream: CallStream) {
  const errors: string[] = [];
  stream.on('frameError', (err) => errors.push(err.code));
  return { errors };
}

describe('error codes', () => {
  it('never carry a close code that must not be sent (1005, 1006, 1015) or one outside RFC 6455', () => {
    const codes: (number | undefined)[] = Object.values(ERROR_CODES).map((e) => e.closeCode);
    const sent = codes.filter((c): c is number => c !== undefined);
    expect(sent.filter((c) => [1004, 1005, 1006, 1015].includes(c))).toEqual([]);
    expect(
      [...new Set(sent)].sort().every((c) => [1002, 1003, 1007, 1008, 1009, 1011].includes(c)),
    ).toBe(true);
  });
});

describe.each(TARGETS)('$name target under bad input', (target) => {
  it('survives a client reset while an async authenticate is pending; other calls go on', async () => {
    let calls = 0;
    const { server, healthyCall } = await serve(target, {
      authenticate: async () => {
        calls++;
        await sleep(100);
        return true;
      },
    });
    const client = await RawClient.connect(server.port);
    client.send(upgradeRequest(server.port, STREAM_PATH));
    while (calls === 0) await sleep(5);
    client.socket.resetAndDestroy();
    await sleep(150); // authenticate settles after the reset
    expect({
      aborted: server.registry.stats.upgradesAborted,
      call: await healthyCall('after-reset'),
      streams: server.streams.size,
    }).toEqual({ aborted: 1, call: 'call-after-reset:1', streams: 0 });
  });

  it('answers 504 when authenticate does not settle within authTimeoutMs, and counts it', async () => {
    const { server, healthyCall } = await serve(target, {
      authTimeoutMs: 100,
      authenticate: (req) =>
        req.headers['x-hang'] === '1' ? new Promise<boolean>(() => {}) : true,
    });
    expect({
      status: await within(upgradeStatus(server.url(), { 'x-hang': '1' }), 3000),
      timeouts: server.registry.stats.authTimeouts,
      call: await healthyCall('after-timeout'),
    }).toEqual({ status: 504, timeouts: 1, call: 'call-after-timeout:1' });
  });

  it('shutting down settles an upgrade whose authenticate never settles (503)', async () => {
    let calls = 0;
    const { server } = await serve(target, {
      authenticate: () => {
        calls++;
        return new Promise<boolean>(() => {});
      },
    });
    const client = await RawClient.connect(server.port);
    client.send(upgradeRequest(server.port, STREAM_PATH));
    const status = client.status();
    while (calls === 0) await sleep(5);
    expect({
      close: await within(
        server.close().then(() => 'closed'),
        3000,
      ),
      status: await within(status, 1000),
      refused: server.registry.stats.upgradesRefusedClosing,
    }).toEqual({ close: 'closed', status: 503, refused: 1 });
  });

  it('leaves nothing behind after resets at each moment of the upgrade', async () => {
    const { server, next, healthyCall } = await serve(target);
    // 1. half a request line; 2. the whole request, reset before the answer is read;
    // 3. after the 101, before start; 4. after start, in the middle of a frame.
    const partial = await RawClient.connect(server.port);
    partial.send(upgradeRequest(server.port, STREAM_PATH).subarray(0, 20));
    await sleep(20);
    partial.socket.resetAndDestroy();

    const requested = await RawClient.connect(server.port);
    requested.send(upgradeRequest(server.port, STREAM_PATH));
    requested.socket.resetAndDestroy();

    const upgraded = await RawClient.upgrade(server.port, STREAM_PATH);
    upgraded.socket.resetAndDestroy();

    const started = await RawClient.upgrade(server.port, STREAM_PATH);
    started.send(textFrame(START('s-reset')));
    const stream = await next();
    started.send(textFrame(START('s-x')).subarray(0, 9));
    await sleep(20);
    started.socket.resetAndDestroy();
    const closed = await within(stream.closed, 2000);
    await sleep(50);
    expect({
      closed: closed === 'timeout' ? 'timeout' : 'closed',
      streams: server.streams.size,
      call: await healthyCall('after-resets'),
    }).toEqual({ closed: 'closed', streams: 0, call: 'call-after-resets:1' });
  });

  // Each: what a broken client sends after a good `start`, the close code on the wire, the
  // typed error the stream reports.
  const BROKEN: [string, Buffer, number, string][] = [
    ['a reserved opcode', frame({ opcode: 0x3, payload: 'x' }), 1002, 'ERR_SOCKET'],
    [
      'an unmasked client frame',
      frame({ opcode: 1, payload: '{}', masked: false }),
      1002,
      'ERR_SOCKET',
    ],
    [
      'RSV1 without an extension',
      frame({ opcode: 1, payload: '{}', rsv: 0b100 }),
      1002,
      'ERR_SOCKET',
    ],
    ['a ping of 126 bytes', frame({ opcode: 0x9, payload: Buffer.alloc(126) }), 1002, 'ERR_SOCKET'],
    ['a fragmented ping', frame({ opcode: 0x9, payload: 'p', fin: false }), 1002, 'ERR_SOCKET'],
    [
      'a continuation with nothing to continue',
      frame({ opcode: 0, payload: 'x' }),
      1002,
      'ERR_SOCKET',
    ],
    [
      'invalid UTF-8 in a text frame',
      frame({ opcode: 1, payload: Buffer.from([0xc3, 0x28]) }),
      1007,
      'ERR_SOCKET',
    ],
    [
      'a length over maxPayload',
      frame({ opcode: 1, length: 100_000n }),
      1009,
      'ERR_FRAME_TOO_LARGE',
    ],
    [
      'a 2^62-byte frame header',
      frame({ opcode: 1, length: 2n ** 62n }),
      1009,
      'ERR_FRAME_TOO_LARGE',
    ],
    [
      'a 2^63-byte frame header',
      frame({ opcode: 2, length: 2n ** 63n }),
      1009,
      'ERR_FRAME_TOO_LARGE',
    ],
  ];

  it.each(BROKEN)(
    'closes on %s with the code RFC 6455 gives it',
    async (_name, bytes, code, error) => {
      const { server, next, healthyCall } = await serve(target);
      const client = await RawClient.upgrade(server.port, STREAM_PATH);
      client.send(textFrame(START('s-broken')));
      const stream = await next();
      const { errors } = watch(stream);
      client.send(bytes);
      const closed = await within(stream.closed, 2000);
      expect({
        wire: await within(client.closeCode(), 2000),
        errors,
        malformed: stream.stats.malformed,
        closed: closed === 'timeout' ? 'timeout' : 'closed',
        call: await healthyCall('after-broken'),
      }).toEqual({
        wire: code,
        errors: [error],
        malformed: 1,
        closed: 'closed',
        call: 'call-after-broken:1',
      });
    },
  );

  it('closes on garbage after the upgrade with 1002 and a typed error', async () => {
    const { server, next } = await serve(target);
    const client = await RawClient.upgrade(server.port, STREAM_PATH);
    client.send(textFrame(START('s-garbage')));
    const stream = await next();
    const { errors } = watch(stream);
    // Deterministic garbage: its first byte (0x4f) has RSV3 set and an unknown opcode.
    client.send(Buffer.from('O'.repeat(64) + 'GET / HTTP/1.1\r\n\r\n'));
    expect({ wire: await within(client.closeCode(), 2000), errors }).toEqual({
      wire: 1002,
      errors: ['ERR_SOCKET'],
    });
  });

  it("reads the call's frames with callstream's frame reader, not ws's receiver", async () => {
    const taken: boolean[] = [];
    const takeMessages = StreamSocket.prototype.takeMessages;
    const spy = vi.spyOn(StreamSocket.prototype, 'takeMessages').mockImplementation(function (
      this: StreamSocket,
      handler,
    ) {
      const took = takeMessages.call(this, handler);
      taken.push(took && this.readsFrames);
      return took;
    });
    onTestFinished(() => spy.mockRestore());
    const { healthyCall } = await serve(target);
    expect({ call: await healthyCall('read-by-callstream'), taken }).toEqual({
      call: 'call-read-by-callstream:1',
      taken: [true],
    });
  });

  it('reads the frames that arrive in the same packet as the upgrade request', async () => {
    const { server, next } = await serve(target);
    const client = await RawClient.connect(server.port);
    const media = MEDIA('s-head', 1, 0x81);
    client.send(
      Buffer.concat([
        upgradeRequest(server.port, STREAM_PATH),
        textFrame(START('s-head')),
        textFrame(media),
      ]),
    );
    const stream = await next();
    const first = (async () => {
      for await (const f of stream) return [f.chunk, f.samples.length, f.samples[0]];
      return [];
    })();
    expect({ streamId: stream.streamId, first: await within(first, 2000) }).toEqual({
      streamId: 's-head',
      first: [1, 160, 31100],
    });
  });

  it('reads media sent in fragments with a ping between, and the whole frames around them', async () => {
    const { server, next } = await serve(target);
    const client = await RawClient.upgrade(server.port, STREAM_PATH);
    client.send(textFrame(START('s-fragments')));
    const stream = await next();
    const frames = (async () => {
      const got: number[][] = [];
      for await (const f of stream) {
        got.push([f.chunk, f.samples.length, f.samples[0]!, f.samples[159]!]);
        if (got.length === 3) break;
      }
      return got;
    })();
    const media = (chunk: number): string => MEDIA('s-fragments', chunk, 0x80 + chunk);
    const second = media(2);
    client.send(textFrame(media(1)));
    client.send(frame({ opcode: 1, payload: second.slice(0, 100), fin: false }));
    client.send(frame({ opcode: 9, payload: 'between' }));
    client.send(frame({ opcode: 0, payload: second.slice(100) }));
    client.send(textFrame(media(3)));
    // mu-law 0x81, 0x82, 0x83 decode to 31100, 30076, 29052 (alawmulaw agrees).
    expect(await within(frames, 2000)).toEqual([
      [1, 160, 31100, 31100],
      [2, 160, 30076, 30076],
      [3, 160, 29052, 29052],
    ]);
  });

  it('refuses a second live stream with the same streamId (1008) and keeps streams exact', async () => {
    const { server, next } = await serve(target);
    const first = await FakePlatform.connect(server.url());
    onTestFinished(() => void first.close());
    const streamP = next();
    first.start({ streamId: 's-dup', callId: 'first' });
    const stream = await streamP;
    const second = await FakePlatform.connect(server.url());
    onTestFinished(() => void second.close());
    second.start({ streamId: 's-dup', callId: 'second' });
    const refused = await second.closed;
    const during = { size: server.streams.size, callId: server.streams.get('s-dup')?.callId };
    await first.close();
    await stream.closed;
    expect({
      refused: refused.code,
      during,
      after: server.streams.size,
      counted: server.registry.stats.duplicateStreamIds,
    }).toEqual({ refused: 1008, during: { size: 1, callId: 'first' }, after: 0, counted: 1 });
  });

  it('stops playing to a peer that stops reading, and closes it after backlogTimeoutMs', async () => {
    // The peer completes the upgrade and sends start, then never reads again. The lead is large
    // so that the first burst (100 s of L16 24 kHz, about 6.5 MB) fills the kernel's buffers at
    // once; from then on the socket's own backlog is over maxBacklogBytes.
    const maxBacklogBytes = 65_536;
    const { server, next } = await serve(target, {
      maxBacklogBytes,
      backlogTimeoutMs: 300,
      leadMs: 100_000,
      heartbeatMs: 0,
    });
    const client = await RawClient.upgrade(server.port, STREAM_PATH);
    client.send(textFrame(START('s-stalled', 'audio/x-l16', 24000)));
    client.socket.pause();
    const stream = await next();
    const frames = collect(stream.frames());
    const playback = stream.playAudio(new Int16Array(24_000 * 200)); // 200 s: more than one lead
    for (let i = 0; i < 300 && stream.stats.backlogStalls === 0; i++) await sleep(10);
    const sentAtStall = stream.stats.playMessages;
    const ended = await within(
      frames.then(
        () => 'ended',
        (err: CallstreamError) => err.code,
      ),
      3000,
    );
    const lead = 100_000 / 20; // messages of one lead
    expect({
      ended,
      result: (await playback).status,
      stalls: stream.stats.backlogStalls,
      // Nothing more was sent once the stall began; what was sent is about one lead.
      sentAfterStall: stream.stats.playMessages - sentAtStall,
      aboutOneLead: sentAtStall >= lead && sentAtStall < lead + 100,
      overBound: stream.stats.backlogPeakBytes > maxBacklogBytes,
      streams: server.streams.size,
    }).toEqual({
      ended: 'ERR_BACKLOG_TIMEOUT',
      result: 'closed',
      stalls: 1,
      sentAfterStall: 0,
      aboutOneLead: true,
      overBound: true,
      streams: 0,
    });
  });
});

describe('heartbeat', () => {
  it('cuts a peer that keeps sending media but never answers pings', async () => {
    const { server, next } = await serve(TARGETS[0] as TargetFactory, { heartbeatMs: 100 });
    const ws = new WebSocket(server.url(), { autoPong: false });
    onTestFinished(() => ws.terminate());
    await once(ws, 'open');
    ws.send(JSON.stringify(START('s-deaf', 'audio/x-l16', 8000)));
    const stream = await next();
    const frames = collect(stream.frames());
    let chunk = 0;
    const timer = setInterval(() => {
      chunk++;
      const payload = Buffer.from(le16(new Array(160).fill(chunk))).toString('base64');
      if (ws.readyState === WebSocket.OPEN)
        ws.send(
          JSON.stringify({
            event: 'media',
            media: { track: 'inbound', chunk, timestamp: '0', payload },
          }),
        );
    }, 20);
    onTestFinished(() => clearInterval(timer));
    const ended = await within(
      frames.then(
        () => 'ended',
        (err: CallstreamError) => err.code,
      ),
      2000,
    );
    clearInterval(timer);
    expect({ ended, receivedMedia: stream.stats.frames.inbound > 3 }).toEqual({
      ended: 'ERR_HEARTBEAT_TIMEOUT',
      receivedMedia: true,
    });
  });
});

/** Process warnings emitted during the test, kept off stderr (Node prints through a listener). */
function captureWarnings(): Error[] {
  const seen: Error[] = [];
  const previous = process.listeners('warning');
  process.removeAllListeners('warning');
  const listener = (warning: Error): void => void seen.push(warning);
  process.on('warning', listener);
  onTestFinished(() => {
    process.off('warning', listener);
    for (const l of previous) process.on('warning', l);
  });
  return seen;
}

describe.each(TARGETS)('$name target with a throwing handler and default options', (target) => {
  it('reports it on the server error event, else once as a process warning (not in Fastify, which logs through request.log)', async () => {
    const warnings = captureWarnings();
    const { server, healthyCall } = await serve(target, {
      onStream: (stream) => {
        if (stream.callId !== 'call-quiet') throw new Error(`boom in ${stream.callId}`);
      },
    });
    await healthyCall('a');
    await healthyCall('b');
    await sleep(20); // warnings are emitted on the next tick
    const unheard = warnings.map((w) => [w.name, (w as { code?: string }).code, w.message]);
    const heard: [string, string, string | undefined][] = [];
    server.registry.on('error', (err, stream) =>
      heard.push([(err as CallstreamError).code, err.message, stream?.callId]),
    );
    await healthyCall('c');
    await healthyCall('quiet');
    expect({ unheard, heard, warningsAfter: warnings.length }).toEqual({
      unheard:
        target.name === 'fastify'
          ? []
          : [
              [
                'CallstreamWarning',
                'ERR_HANDLER',
                expect.stringMatching(
                  /^A stream handler threw: boom in call-a \(call call-a\)\. Listen to the server's 'error' event/,
                ),
              ],
            ],
      heard: [['ERR_HANDLER', 'A stream handler threw: boom in call-c', 'call-c']],
      warningsAfter: target.name === 'fastify' ? 0 : 1,
    });
  });
});

describe.each(TARGETS)('$name target under call churn', (target) => {
  it('is back to its baseline of streams, sockets, timers and listeners after 200 short calls; heap growth stays bounded', async () => {
    const { server, next } = await serve(target, {
      onStream: (stream) => void stream.playAudio(new Int16Array(320)),
    });
    const shortCall = async (id: string): Promise<void> => {
      const platform = await FakePlatform.connect(server.url());
      const streamP = next();
      platform.start({ streamId: id, callId: id });
      const stream = await streamP;
      const frames = collect(stream.frames());
      platform.media(new Uint8Array(160).fill(1));
      platform.media(new Uint8Array(160).fill(2));
      await platform.waitFor((m) => m.event === 'playAudio');
      await platform.close();
      expect((await frames).length).toBe(2);
    };
    const batch = async (from: number, count: number): Promise<void> => {
      for (let i = from; i < from + count; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, from + count - i) }, (_, k) => shortCall(`c-${i + k}`)),
        );
      }
    };
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 100 && server.streams.size > 0; i++) await sleep(10);
      await sleep(50);
    };
    const resources = (): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
      return counts;
    };
    /** The resource kinds that grew past the baseline (an unrelated timer may have ended). */
    const grown = (base: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(resources()).filter(([k, n]) => n > (base[k] ?? 0)));
    const gc = collectGarbage();
    await batch(0, 25); // warm-up: lazy allocations, JIT
    await settle();
    gc();
    const baseline = {
      resources: resources(),
      stream: server.registry.listenerCount('stream'),
      heap: process.memoryUsage().heapUsed,
    };
    await batch(25, 200);
    await settle();
    gc();
    const growth = process.memoryUsage().heapUsed - baseline.heap;
    expect({
      streams: server.streams.size,
      grown: grown(baseline.resources),
      stream: server.registry.listenerCount('stream'),
      heapBounded: growth < 8 * 1024 * 1024, // a leak of 40 KB per call would be 8 MB
    }).toEqual({
      streams: 0,
      grown: {},
      stream: baseline.stream,
      heapBounded: true,
    });
  });
});

/** `global.gc`, exposed at run time (vitest's workers do not start with --expose-gc). */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

import { createHmac } from 'node:crypto';
import alawmulaw from 'alawmulaw';
import { describe, expect, expectTypeOf, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import {
  StreamRegistry,
  verifyPlivoSignature,
  type CallStream,
  type StreamRegistryEvents,
  type StreamServer,
} from '@callstream/core';
import type { CallstreamDecorator } from '@callstream/fastify';
import type { AttachedStreamServer } from '@callstream/http';
import {
  clientTextFrame,
  eagerUpgrade,
  echoRoundTrip,
  upgradeStatus,
} from './helpers/adapter-clients.js';
import {
  serveStreams,
  STREAM_PATH,
  TARGETS,
  type TargetFactory,
  type TargetOptions,
} from './helpers/adapter-targets.js';
import { FakePlatform, le16 } from './helpers/fake-platform.js';
import { collect } from './helpers/server.js';

// One behaviour suite for every way of serving streams: the standalone server, the http adapter
// on a plain node:http server, Express through the http adapter (the express-bot example) and
// the Fastify plugin (the fastify-bot example). Each case turns what it saw into a plain object
// and compares it with the one EXPECTED object, so every target must behave identically.

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const TS0 = 1_705_312_200_000; // FakePlatform: media timestamp = TS0 + 20 * chunk

/** mu-law codes (no 0x7F, whose level 0 is shared with 0xFF) and their exact PCM levels. */
const MULAW = Uint8Array.from({ length: 320 }, (_, i) => {
  const c = (i * 101 + 3) & 0xff;
  return c === 0x7f ? 0x7e : c;
});
const MULAW_PCM = Array.from(alawmulaw.mulaw.decode(MULAW));
/** Two 20 ms frames of 16 kHz L16, covering negative and extreme values. */
const L16_16K = Array.from({ length: 640 }, (_, i) =>
  i === 0 ? -32768 : i === 1 ? 32767 : i * 97 - 31000,
);

const AUTH_TOKEN = 'MAauthTokenForTheSuite0123456789';

const EXPECTED = {
  decodeMulaw: {
    metadata: {
      callId: 'call-7',
      streamId: 's-7',
      accountId: 'MA-7',
      tracks: ['inbound'],
      format: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      extraHeaders: { tenant: 'acme', plan: 'gold' },
    },
    frames: [
      {
        track: 'inbound',
        chunk: 1,
        sampleRate: 8000,
        timestamp: TS0 + 20,
        samples: MULAW_PCM.slice(0, 160),
      },
      {
        track: 'inbound',
        chunk: 2,
        sampleRate: 8000,
        timestamp: TS0 + 40,
        samples: MULAW_PCM.slice(160),
      },
    ],
  },
  decodeL16: [
    { track: 'inbound', chunk: 1, sampleRate: 16000, samples: L16_16K.slice(0, 320) },
    { track: 'inbound', chunk: 2, sampleRate: 16000, samples: L16_16K.slice(320) },
  ],
  tracks: {
    all: [
      ['inbound', 1, 100],
      ['outbound', 1, 200],
      ['inbound', 2, 101],
      ['outbound', 2, 201],
      ['inbound', 3, 102],
    ],
    inbound: [100, 101, 102],
    outbound: [200, 201],
  },
  dtmf: [
    { digit: '5', track: 'inbound', timestamp: 1_705_312_206_180 },
    { digit: '#', track: 'outbound', timestamp: 1_705_312_206_180 },
  ],
  playback: {
    sent: [
      `{"event":"playAudio","streamId":"s-1","media":{"contentType":"audio/x-mulaw","sampleRate":8000,"payload":"${Buffer.from(MULAW.subarray(0, 160)).toString('base64')}"}}`,
      `{"event":"playAudio","streamId":"s-1","media":{"contentType":"audio/x-mulaw","sampleRate":8000,"payload":"${Buffer.from(MULAW.subarray(160)).toString('base64')}"}}`,
      '{"event":"checkpoint","streamId":"s-1","name":"<playback>"}',
    ],
    result: { status: 'played', playedMs: 40 },
    playedStream: [{ name: '<playback>' }],
  },
  clear: {
    status: 'interrupted',
    sent: '{"event":"clearAudio","streamId":"s-1"}',
    clearedEvents: 1,
    checkpointAfterClear: false,
  },
  malformed: {
    errors: [
      'ERR_INVALID_JSON',
      'ERR_INVALID_MESSAGE',
      'ERR_INVALID_MESSAGE',
      'ERR_INVALID_BASE64',
      'ERR_ODD_LENGTH',
      'ERR_INVALID_MEDIA',
    ],
    delivered: [1, 2, 3],
    malformed: 6,
    binaryMessages: 1,
    unknown: 0,
    openAfterwards: true,
  },
  auth: { accepted: 101, refused: 401, missing: 401, threw: 500, streams: 0 },
  plivo: { signed: 101, signedCall: 'call-signed', wrongToken: 401, otherPath: 401, unsigned: 401 },
  otherPath: { status: 404, streams: 0 },
  early: { status: 101, callId: 'call-early', samples: [7, 7, 7] },
  handlerErrors: {
    errors: [
      ['ERR_HANDLER', 'thrown'],
      ['ERR_HANDLER', 'rejected'],
    ],
    open: [true, true],
  },
  close: { started: 1001, unstarted: 1001, playback: 'closed', closeEvent: 1001, streamsAfter: 0 },
  neighbour: { echo: 'ping', stream: 101, callId: 'call-n' },
};

/** Starts a target whose onStream hands each started stream to `next()`. */
async function serve(target: TargetFactory, options: TargetOptions = {}) {
  const { server, next } = await serveStreams(target, options);
  const connect = async (
    headers?: Record<string, string>,
    path = STREAM_PATH,
  ): Promise<FakePlatform> => {
    const platform = await FakePlatform.connect(server.url(path), headers);
    onTestFinished(() => void platform.close());
    return platform;
  };
  return { server, next, connect };
}

/** One started call on a target. */
async function call(
  target: TargetFactory,
  start: Parameters<FakePlatform['start']>[0] = {},
  options: TargetOptions = {},
) {
  const env = await serve(target, options);
  const platform = await env.connect();
  const streamP = env.next();
  platform.start({ streamId: 's-1', ...start });
  return { ...env, platform, stream: await streamP };
}

describe.each(TARGETS)('$name target', (target) => {
  it('decodes mu-law 8 kHz sample-exactly, with the metadata of start', async () => {
    const { platform, stream } = await call(target, {
      callId: 'call-7',
      streamId: 's-7',
      accountId: 'MA-7',
      extraHeaders: 'tenant=acme;plan=gold',
    });
    const frames = collect(stream.frames());
    platform.media(MULAW.subarray(0, 160));
    platform.media(MULAW.subarray(160));
    await platform.close();
    expect({
      metadata: {
        callId: stream.callId,
        streamId: stream.streamId,
        accountId: stream.accountId,
        tracks: stream.tracks,
        format: stream.format,
        extraHeaders: stream.extraHeaders,
      },
      frames: (await frames).map((f) => ({
        track: f.track,
        chunk: f.chunk,
        sampleRate: f.sampleRate,
        timestamp: f.timestamp,
        samples: Array.from(f.samples),
      })),
    }).toEqual(EXPECTED.decodeMulaw);
  });

  it('decodes little-endian L16 at 16 kHz sample-exactly', async () => {
    const { platform, stream } = await call(target, { encoding: 'audio/x-l16', sampleRate: 16000 });
    const frames = collect(stream.frames());
    platform.media(le16(L16_16K.slice(0, 320)));
    platform.media(le16(L16_16K.slice(320)));
    await platform.close();
    expect(
      (await frames).map((f) => ({
        track: f.track,
        chunk: f.chunk,
        sampleRate: f.sampleRate,
        samples: Array.from(f.samples),
      })),
    ).toEqual(EXPECTED.decodeL16);
  });

  it('keeps the inbound and outbound tracks apart, each with its own chunk counter', async () => {
    const { platform, stream } = await call(target, {
      tracks: ['inbound', 'outbound'],
      encoding: 'audio/x-l16',
      sampleRate: 8000,
    });
    const all = collect(stream.frames());
    const inbound = collect(stream.frames({ track: 'inbound' }));
    const outbound = collect(stream.frames({ track: 'outbound' }));
    const frame = (v: number): Uint8Array => le16(new Array(160).fill(v));
    platform.media(frame(100), 'inbound');
    platform.media(frame(200), 'outbound');
    platform.media(frame(101), 'inbound');
    platform.media(frame(201), 'outbound');
    platform.media(frame(102), 'inbound');
    await platform.close();
    expect({
      all: (await all).map((f) => [f.track, f.chunk, f.samples[0]]),
      inbound: (await inbound).map((f) => f.samples[0]),
      outbound: (await outbound).map((f) => f.samples[0]),
    }).toEqual(EXPECTED.tracks);
  });

  it('emits dtmf events with digit, track and timestamp', async () => {
    const { platform, stream } = await call(target);
    const seen: unknown[] = [];
    stream.on('dtmf', (event) => seen.push(event));
    platform.dtmf('5', 'inbound');
    platform.dtmf('#', 'outbound');
    await platform.close();
    await stream.closed;
    expect(seen).toEqual(EXPECTED.dtmf);
  });

  it('plays audio as exact playAudio JSON and settles played on the checkpoint acknowledgement', async () => {
    const { platform, stream } = await call(target);
    const played: unknown[] = [];
    stream.on('playedStream', (event) => played.push(event));
    const playback = stream.playAudio(Int16Array.from(MULAW_PCM));
    await platform.waitFor((m) => m.event === 'checkpoint');
    platform.played(playback.name);
    const result = await playback;
    const named = (text: string): string => text.replaceAll(playback.name, '<playback>');
    expect({
      sent: platform.raw.map(named),
      result,
      playedStream: played.map((e) => JSON.parse(named(JSON.stringify(e))) as unknown),
    }).toEqual(EXPECTED.playback);
  });

  it('clearAudio interrupts the playback, sends exact clearAudio JSON and voids its checkpoint', async () => {
    const { platform, stream } = await call(target);
    let clearedEvents = 0;
    stream.on('clearedAudio', () => clearedEvents++);
    const playback = stream.playAudio(new Int16Array(8000 * 2).fill(300));
    const mark = stream.checkpoint('after');
    await platform.waitFor((m) => m.event === 'playAudio');
    const cleared = stream.clearAudio();
    const { status } = await playback;
    await platform.waitFor((m) => m.event === 'clearAudio');
    platform.cleared();
    await cleared;
    expect({
      status,
      sent: platform.raw.find((t) => t.includes('"clearAudio"')),
      clearedEvents,
      checkpointAfterClear: await mark,
    }).toEqual(EXPECTED.clear);
  });

  it('reports malformed frames with the same codes, counts them, and the stream goes on', async () => {
    const { platform, stream } = await call(target, { encoding: 'audio/x-l16', sampleRate: 8000 });
    const errors: string[] = [];
    stream.on('frameError', (err) => errors.push(err.code));
    const frames = collect(stream);
    const media = (m: object): object => ({
      event: 'media',
      streamId: 's-1',
      media: { track: 'inbound', chunk: 2, timestamp: '1', ...m },
    });
    platform.media(le16(new Array(160).fill(1)));
    platform.send('{not json');
    platform.send('[1,2,3]');
    platform.send({ event: 42 });
    platform.send(media({ payload: '@@@@' }));
    platform.send(media({ payload: 'AAAB' })); // 3 bytes: odd L16
    platform.send(media({ chunk: 'two', payload: 'AAAA' }));
    platform.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    platform.media(le16(new Array(160).fill(2)));
    platform.media(le16(new Array(160).fill(3)));
    await sleep(100);
    const openAfterwards = platform.ws.readyState === WebSocket.OPEN;
    await platform.close();
    expect({
      errors,
      delivered: (await frames).map((f) => f.samples[0]),
      malformed: stream.stats.malformed,
      binaryMessages: stream.stats.binaryMessages,
      unknown: stream.stats.unknown,
      openAfterwards,
    }).toEqual(EXPECTED.malformed);
  });

  it('runs authenticate before the upgrade: false answers 401 with no open, a throw 500', async () => {
    const { server } = await serve(target, {
      authenticate: async (req) => {
        await sleep(5);
        if (req.headers['x-boom'] === '1') throw new Error('boom');
        return req.headers['x-token'] === 'ok';
      },
    });
    expect({
      accepted: await upgradeStatus(server.url(), { 'x-token': 'ok' }),
      refused: await upgradeStatus(server.url(), { 'x-token': 'no' }),
      missing: await upgradeStatus(server.url()),
      threw: await upgradeStatus(server.url(), { 'x-boom': '1' }),
      streams: server.streams.size,
    }).toEqual(EXPECTED.auth);
  });

  it('accepts a Plivo-signed upgrade with verifyPlivoSignature as authenticate, and refuses others', async () => {
    const { server, next, connect } = await serve(target, {
      authenticate: (req) => verifyPlivoSignature(req, { authToken: AUTH_TOKEN }),
    });
    // PROTOCOL.md §5: base64(HMAC-SHA256(authToken, url + '.' + nonce)), query sorted by key.
    const headers = (token: string, signedPath: string) => {
      const nonce = '12345678901234567890';
      const url = `ws://127.0.0.1:${server.port}${signedPath}`;
      const signature = createHmac('sha256', token).update(`${url}.${nonce}`).digest('base64');
      return { 'X-Plivo-Signature-V3': signature, 'X-Plivo-Signature-V3-Nonce': nonce };
    };
    const target_ = `${STREAM_PATH}?b=2&a=1`;
    const good = headers(AUTH_TOKEN, `${STREAM_PATH}?a=1&b=2`);
    const statuses = {
      signed: await upgradeStatus(server.url(target_), good),
      wrongToken: await upgradeStatus(
        server.url(target_),
        headers('another-token', `${STREAM_PATH}?a=1&b=2`),
      ),
      otherPath: await upgradeStatus(
        server.url(target_),
        headers(AUTH_TOKEN, '/elsewhere?a=1&b=2'),
      ),
      unsigned: await upgradeStatus(server.url(target_)),
    };
    const platform = await connect(good, target_);
    const streamP = next();
    platform.start({ callId: 'call-signed' });
    expect({ ...statuses, signedCall: (await streamP).callId }).toEqual(EXPECTED.plivo);
  });

  it('answers 404 to an upgrade on another path and creates no stream', async () => {
    const { server } = await serve(target);
    expect({
      status: await upgradeStatus(server.url('/elsewhere')),
      streams: server.streams.size,
    }).toEqual(EXPECTED.otherPath);
  });

  it('loses nothing sent with the upgrade request or while authenticate is still pending', async () => {
    const { server, next } = await serve(target, {
      authenticate: () => sleep(50).then(() => true),
    });
    const start = {
      event: 'start',
      start: {
        callId: 'call-early',
        streamId: 's-e',
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-l16', sampleRate: 8000 },
      },
    };
    const media = {
      event: 'media',
      media: {
        track: 'inbound',
        chunk: 1,
        timestamp: '0',
        payload: Buffer.from(le16([7, 7, 7])).toString('base64'),
      },
    };
    const client = await eagerUpgrade(
      server.port,
      STREAM_PATH,
      clientTextFrame(JSON.stringify(start)),
      clientTextFrame(JSON.stringify(media)),
      10,
    );
    onTestFinished(() => client.close());
    const stream = await next();
    const it = stream.frames();
    const first = await it.next();
    expect({
      status: client.status,
      callId: stream.callId,
      samples: first.done ? [] : Array.from(first.value.samples),
    }).toEqual(EXPECTED.early);
  });

  it("routes an onStream that throws or rejects to that stream's error event; the calls go on", async () => {
    const errors: [string, string][] = [];
    const { connect, next } = await serve(target, {
      onStream: (stream) => {
        stream.on('error', (err) =>
          errors.push([(err as { code?: string }).code ?? '', (err.cause as Error).message]),
        );
        if (stream.callId === 'throws') throw new Error('thrown');
        return Promise.reject(new Error('rejected'));
      },
    });
    const a = await connect();
    a.start({ callId: 'throws', streamId: 's-throws' });
    await next();
    const b = await connect();
    b.start({ callId: 'rejects', streamId: 's-rejects' });
    await next();
    await sleep(50);
    expect({
      errors,
      open: [a.ws.readyState === WebSocket.OPEN, b.ws.readyState === WebSocket.OPEN],
    }).toEqual(EXPECTED.handlerErrors);
  });

  it('shutting the target down closes live streams with 1001 and settles playbacks closed', async () => {
    const { server, next, connect } = await serve(target);
    const started = await connect();
    const streamP = next();
    started.start();
    const unstarted = await connect();
    const stream = await streamP;
    let closeEvent = 0;
    stream.on('close', ({ code }) => (closeEvent = code));
    const playback = stream.playAudio(new Int16Array(8000 * 5));
    await started.waitFor((m) => m.event === 'playAudio');
    await server.close();
    expect({
      started: (await started.closed).code,
      unstarted: (await unstarted.closed).code,
      playback: (await playback).status,
      closeEvent,
      streamsAfter: server.streams.size,
    }).toEqual(EXPECTED.close);
  });
});

describe.each(TARGETS.filter((t) => t.sharesPort))('$name target sharing its port', (target) => {
  it('leaves upgrades for other paths to another WebSocket server on the same port', async () => {
    const { server, next, connect } = await serve(target, { neighbour: '/echo' });
    const echo = await echoRoundTrip(server.url('/echo'), 'ping');
    const stream = await upgradeStatus(server.url());
    const platform = await connect();
    const streamP = next();
    platform.start({ callId: 'call-n' });
    expect({ echo, stream, callId: (await streamP).callId }).toEqual(EXPECTED.neighbour);
  });
});

describe.each(TARGETS)('$name target registry', (target) => {
  it('is exposed as a StreamRegistry: stream fires with each started call, streams holds it', async () => {
    const { server, connect } = await serve(target);
    const seen: string[] = [];
    server.registry.on('stream', (stream) =>
      seen.push(
        `${stream.callId}:${String(server.registry.streams.get(stream.streamId) === stream)}`,
      ),
    );
    const platform = await connect();
    platform.start({ callId: 'call-r', streamId: 's-r' });
    for (let i = 0; i < 100 && seen.length === 0; i++) await sleep(10);
    expect({ seen, registry: server.registry instanceof StreamRegistry }).toEqual({
      seen: ['call-r:true'],
      registry: true,
    });
  });
});

it('every adapter hands integrations the same registry type', () => {
  expectTypeOf<StreamServer>().toExtend<StreamRegistry<unknown>>();
  expectTypeOf<AttachedStreamServer>().toExtend<StreamRegistry<unknown>>();
  expectTypeOf<CallstreamDecorator>().toExtend<StreamRegistry<unknown>>();
  expectTypeOf<StreamRegistryEvents<unknown>['stream']>().toEqualTypeOf<
    [stream: CallStream, request: unknown]
  >();
});

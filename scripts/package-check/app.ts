// The program scripts/check-packages.mjs typechecks (strict) and runs in a fresh npm app against
// the packed tarballs: the README's examples, written as a user would, with only the packages'
// declared dependencies installed.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createStreamServer, encodeMulaw, type CallStream } from '@callstream/core';
import callstream from '@callstream/fastify';
import { attachStreamServer } from '@callstream/http';
import { renderCallReport, simulateCall, type SimulatedCallResult } from '@callstream/simulator';

const tone = Int16Array.from({ length: 1600 }, (_, i) => Math.round(8000 * Math.sin(i / 3)));
const caller = { samples: tone, sampleRate: 8000 };

async function standalone(): Promise<SimulatedCallResult> {
  const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
  server.on('stream', (stream: CallStream) => {
    void stream.playAudio(tone.subarray(0, 800)); // 100 ms, ends with a checkpoint
  });
  const { port } = await server.listen();
  try {
    return await simulateCall({
      url: `ws://127.0.0.1:${port}/stream`,
      audio: caller,
      speed: 1,
      waitForPlayoutMs: 1000,
    }).done;
  } finally {
    await server.close();
  }
}

async function fastify(): Promise<string[]> {
  const app = Fastify({ logger: false });
  const calls: string[] = [];
  await app.register(callstream, {
    path: '/stream',
    onStream: async (stream, request) => {
      request.log.info({ callId: stream.callId }, 'call started');
      calls.push(stream.callId);
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  await simulateCall({
    url: `ws://127.0.0.1:${port}/stream`,
    audio: caller,
    speed: 0,
    callId: 'c-fastify',
  }).done;
  await app.close();
  return calls;
}

async function http(): Promise<number> {
  const server = createServer((_req, res) => res.end('ok'));
  let frames = 0;
  const streams = attachStreamServer(server, {
    path: '/stream',
    onStream: async (stream) => {
      for await (const frame of stream.frames({ track: 'inbound' })) frames += frame.samples.length;
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await simulateCall({ url: `ws://127.0.0.1:${port}/stream`, audio: caller, speed: 0 }).done;
  await streams.close();
  server.close();
  return frames;
}

const result = await standalone();
assert.deepEqual(result.violations, []);
assert.equal(result.checkpoints.length, 1, 'the playback is confirmed with one checkpoint');
assert.equal(result.playedMs, 100);
assert.ok(
  result.heard.some((s) => s !== 0),
  'the caller heard the bot',
);
assert.deepEqual(
  result.timeline.map((e) => e.type),
  ['start', 'playAudio', 'checkpoint', 'playedStream', 'hangup'],
);
assert.match(renderCallReport(result), /^<!doctype html>[\s\S]*<svg class="timeline"/);
assert.deepEqual(await fastify(), ['c-fastify']);
assert.equal(await http(), 1600);
assert.equal(encodeMulaw(new Int16Array([0]))[0], 0xff);
console.log('app.ts: standalone, fastify and http calls behave');

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWav } from '@callstream/core';
import { serializePlayAudio } from '@callstream/core/internal';
import { HELP, parseCliArgs } from './cli-args.js';
import { main } from './cli-main.js';
import { capture, startTestServer } from './test-helpers.js';
import type { TestServer } from './test-helpers.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/caller-16k.wav', import.meta.url));

let server: TestServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

describe('callstream-sim arguments', () => {
  it('maps every flag onto simulateCall options', () => {
    const command = parseCliArgs([
      'wss://bot.example.com/stream?x=1',
      '--wav',
      'a.wav',
      '--format',
      'l16-16k',
      '--tracks',
      'both',
      '--speed',
      '2.5',
      '--dtmf',
      '1@1500,#@3000',
      '--dtmf',
      'a@4000',
      '--hangup-after',
      '9000',
      '--wait-for-playout',
      '2000',
      '--dialect',
      'vobiz',
      '--extra-headers',
      'tenant=acme',
      '--header',
      'X-Plivo-Signature-V3: abc',
      '--header',
      'X-Other:1:2',
      '--no-stop',
      '--call-id',
      'c1',
      '--stream-id',
      's1',
      '--record',
      'heard.wav',
      '--json',
    ]);
    expect(command).toEqual({
      kind: 'call',
      record: 'heard.wav',
      json: true,
      quiet: false,
      options: {
        url: 'wss://bot.example.com/stream?x=1',
        audio: 'a.wav',
        format: { encoding: 'audio/x-l16', sampleRate: 16000 },
        tracks: ['inbound', 'outbound'],
        speed: 2.5,
        dtmf: [
          { digit: '1', atMs: 1500 },
          { digit: '#', atMs: 3000 },
          { digit: 'A', atMs: 4000 },
        ],
        hangupAfterMs: 9000,
        waitForPlayoutMs: 2000,
        dialect: 'vobiz',
        extraHeaders: 'tenant=acme',
        headers: { 'X-Plivo-Signature-V3': 'abc', 'X-Other': '1:2' },
        sendStop: false,
        callId: 'c1',
        streamId: 's1',
      },
    });
  });

  it('leaves unset options to the library defaults', () => {
    expect(parseCliArgs(['ws://h/'])).toEqual({
      kind: 'call',
      record: undefined,
      json: false,
      quiet: false,
      options: { url: 'ws://h/', dtmf: [], headers: {} },
    });
  });
});

describe('callstream-sim', () => {
  it('documents every flag in --help', async () => {
    const { io, stdout } = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(stdout()).toBe(HELP);
    for (const flag of [
      '--wav',
      '--format',
      '--tracks',
      '--speed',
      '--dtmf',
      '--record',
      '--json',
      '--hangup-after',
      '--wait-for-playout',
      '--dialect',
      '--extra-headers',
      '--header',
      '--no-stop',
      '--quiet',
      'Exit status',
    ]) {
      expect(HELP).toContain(flag);
    }
  });

  it.each([
    [[], /missing the server URL/],
    [['http://x'], /ws:\/\/ or wss:\/\//],
    [['ws://x', '--format', 'opus'], /--format must be one of mulaw, l16-8k, l16-16k, l16-24k/],
    [['ws://x', '--dtmf', '1500'], /--dtmf takes digit@ms/],
    [['ws://x', '--speed', 'fast'], /--speed takes a number/],
    [['ws://x', '--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 with a usage message for %j', async (argv, pattern) => {
    const { io, stderr, stdout } = capture();
    expect(await main(argv, io)).toBe(2);
    expect(stderr()).toMatch(pattern);
    expect(stderr()).toContain('--help');
    expect(stdout()).toBe('');
  });

  it('exits 2 with a clear message when the connection fails', async () => {
    server = await startTestServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const { io, stderr } = capture();
    expect(await main([url, '--hangup-after', '100'], io)).toBe(2);
    expect(stderr()).toMatch(new RegExp(`^callstream-sim: could not connect to .*ECONNREFUSED`));
  });

  it('runs a call, prints one JSON object and records what the caller heard', async () => {
    server = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), 'callstream-sim-'));
    const record = join(dir, 'heard.wav');
    const { io, stdout } = capture();
    const code = await main(
      [server.url, '--wav', fixture, '--speed', '0', '--json', '--record', record],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout());
    expect(report).toMatchObject({
      url: server.url,
      framesSent: 293,
      durationMs: 5860,
      violations: [],
      checkpoints: [],
      ok: true,
      record,
      close: { code: 1000, by: 'simulator' },
    });
    expect(report.heard).toBeUndefined();
    expect(report.said).toBeUndefined();
    expect(report.report).toBeNull();
    const wav = parseWav(await readFile(record));
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 1 });
    expect(wav.samples.length).toBe(5860 * 8);
  });

  it('exits 1 and lists the violations when the server breaks the protocol', async () => {
    server = await startTestServer((peer) => {
      void peer
        .next((m) => m.event === 'start')
        .then((m) => {
          const payload = Buffer.alloc(160, 0xff).toString('base64');
          peer.socket.send(serializePlayAudio(m.start.streamId, 'audio/x-mulaw', 8000, payload));
          peer.socket.send(
            serializePlayAudio(m.start.streamId, 'audio/x-mulaw', 8000, payload).replace(
              '"audio/x-mulaw"',
              '"audio/x-mulaw;rate=8000"',
            ),
          );
        });
    });
    const { io, stdout, stderr } = capture(true);
    expect(await main([server.url, '--hangup-after', '200', '--speed', '4'], io)).toBe(1);
    expect(stdout()).toMatch(/violations {3}1\n {4}at \d+\.\d\d s {2}content-type-not-bare: /);
    expect(stdout()).toMatch(/heard {8}0\.02 s of server audio/);
    expect(stderr()).toContain('callstream-sim: the server broke the protocol 1 time(s)');
    // a progress line was drawn on the terminal, then erased
    expect(stderr()).toMatch(/\r0\.\d\d s {2}frames \d+ {2}heard/);
    expect(stderr()).toContain('\r\x1b[K');
  });
});

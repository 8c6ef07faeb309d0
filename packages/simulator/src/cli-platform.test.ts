import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseWav } from '@callstream/core';
import { main } from './cli-main.js';
import { startTestApp } from './platform/test-app.js';
import { capture, startTestServer } from './test-helpers.js';

const run = promisify(execFile);

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('callstream-sim platform', () => {
  it('prints its base URL and credentials, answers curl, logs requests, and closes on Ctrl-C', async () => {
    const ws = await startTestServer();
    onTestFinished(() => ws.close());
    const { io, stdout } = capture();
    const interrupt = new AbortController();
    const exit = main(
      ['platform', '--auth-id', 'MAODUZYTQ0Y2M5ZGE1MD', '--auth-token', 'secret', '--call'],
      { ...io, signal: interrupt.signal },
    );
    onTestFinished(() => interrupt.abort());
    await until(() => stdout().includes('Ctrl-C to stop.'));
    const baseUrl = /base URL {4}(\S+)/.exec(stdout())?.[1] as string;
    const uuid = /live call {3}(\S+)/.exec(stdout())?.[1] as string;
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/Account\/MAODUZYTQ0Y2M5ZGE1MD\/$/);
    expect(stdout()).toContain('auth token  secret');
    expect(stdout()).toContain(`-u 'MAODUZYTQ0Y2M5ZGE1MD:secret'`);

    const { stdout: started } = await run('curl', [
      '-s',
      '-u',
      'MAODUZYTQ0Y2M5ZGE1MD:secret',
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify({ service_url: ws.url }),
      '-w',
      '\n%{http_code}',
      `${baseUrl}Call/${uuid}/Stream/`,
    ]);
    const [body, code] = started.split('\n');
    expect(code).toBe('202');
    const streamId = JSON.parse(body as string).stream_id as string;
    const start = await (await ws.peer).next((m) => m.event === 'start');
    expect(start.start).toMatchObject({ callId: uuid, streamId });
    const { stdout: denied } = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `${baseUrl}Call/${uuid}/Stream/`,
    ]);
    expect(denied).toBe('401');

    interrupt.abort();
    expect(await exit).toBe(0);
    expect(stdout()).toContain(
      `POST /v1/Account/MAODUZYTQ0Y2M5ZGE1MD/Call/${uuid}/Stream/ → 202\n`,
    );
    expect(stdout()).toContain(`GET /v1/Account/MAODUZYTQ0Y2M5ZGE1MD/Call/${uuid}/Stream/ → 401\n`);
    expect(stdout()).toContain(`stream ${streamId} connecting to ${ws.url}\n`);
    expect(stdout()).toContain(`stream ${streamId} ended: call-ended\n`);
    expect(stdout()).toContain(`call ${uuid} ended: platform-closed\n`);
    expect(stdout()).toMatch(/fake platform closed\n$/);
  });

  it.each([
    [['platform', '--wav', 'a.wav'], /--wav is not an option of callstream-sim platform/],
    [['platform', 'ws://x'], /platform takes no arguments/],
    [['platform', '--port', 'http'], /--port takes a port number/],
    [['platform', '--auth-token', 'has space'], /option "authToken" must be/],
    [['--answer-url', 'ftp://x'], /--answer-url must start with http/],
    [['--answer-url', 'http://x/', '--format', 'mulaw'], /--format comes from the answer XML/],
    [['--answer-url', 'http://x/', 'ws://x/'], /no WebSocket URL/],
    [['ws://x/', '--from', '+1'], /--from needs --answer-url or platform/],
  ])('exits 2 with a usage message for %j', async (argv, pattern) => {
    const { io, stderr } = capture();
    expect(await main(argv, io)).toBe(2);
    expect(stderr()).toMatch(pattern);
  });
});

describe('callstream-sim --answer-url', () => {
  it('places a call from the answer URL and prints one JSON object with the streams and callbacks', async () => {
    const ws = await startTestServer();
    onTestFinished(() => ws.close());
    let origin = '';
    const app = await startTestApp(
      () =>
        `<Response><Stream keepCallAlive="true" bidirectional="true" contentType="audio/x-mulaw;rate=8000" statusCallbackUrl="${origin}/status">${ws.url}</Stream></Response>`,
    );
    onTestFinished(() => app.close());
    origin = app.origin;
    const { io, stdout } = capture();
    const code = await main(
      [
        '--answer-url',
        `${app.origin}/answer`,
        '--hangup-after',
        '200',
        '--speed',
        '0',
        '--json',
        '--auth-token',
        'tok',
        '--from',
        '+1555',
      ],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout());
    expect(report).toMatchObject({
      answerUrl: `${app.origin}/answer`,
      from: '+1555',
      end: 'caller-hangup',
      answerStatus: 200,
      problems: [],
      callbacks: [{ event: 'StartStream', status: 200, error: null }],
      ok: true,
    });
    expect(report.streams).toHaveLength(1);
    expect(report.streams[0]).toMatchObject({
      source: 'xml',
      end: 'caller-hangup',
      serviceUrl: ws.url,
    });
    expect(report.streams[0].result).toMatchObject({
      framesSent: 10,
      durationMs: 200,
      violations: [],
    });
    expect(report.streams[0].result.heard).toBeUndefined();
    expect(app.requests[0]?.params.From).toBe('+1555');
  });

  it('writes the recording and the call report of the stream with --record and --report', async () => {
    const ws = await startTestServer();
    onTestFinished(() => ws.close());
    const app = await startTestApp(
      () => `<Response><Stream keepCallAlive="true">${ws.url}</Stream></Response>`,
    );
    onTestFinished(() => app.close());
    const dir = await mkdtemp(join(tmpdir(), 'callstream-sim-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const record = join(dir, 'heard.wav');
    const report = join(dir, 'call.html');
    const { io, stdout } = capture();
    const argv = ['--answer-url', `${app.origin}/answer`, '--hangup-after', '200', '--speed', '0'];
    expect(await main([...argv, '--record', record, '--report', report, '--json'], io)).toBe(0);
    const json = JSON.parse(stdout());
    expect([json.record, json.report]).toEqual([record, report]);
    const wav = parseWav(await readFile(record));
    expect([wav.sampleRate, wav.samples.length]).toEqual([8000, 200 * 8]);
    const html = await readFile(report, 'utf8');
    expect(html).toContain(json.streams[0].streamId);
    expect(html.toLowerCase()).toContain('<html');
  });

  it('exits 1 and lists the problems of answer XML the platform cannot run', async () => {
    const app = await startTestApp(
      () => '<Response><Stream audioTrack="sideways">wss://x/</Stream><Gather/></Response>',
    );
    onTestFinished(() => app.close());
    const { io, stdout, stderr } = capture();
    expect(await main(['--answer-url', `${app.origin}/answer`], io)).toBe(1);
    expect(stdout()).toContain('  answer       HTTP 200\n  ended        answer-failed\n');
    expect(stdout()).toContain(
      '  problems     2\n    invalid-stream: <Stream> attribute audioTrack="sideways" must be inbound, outbound or both\n    unknown-verb: unknown verb <Gather>\n',
    );
    expect(stderr()).toContain('answered XML with problems');
  });

  it('exits 2 when the answer URL cannot be reached', async () => {
    const app = await startTestApp();
    await app.close();
    const { io, stdout } = capture();
    expect(await main(['--answer-url', `${app.origin}/answer`], io)).toBe(2);
    expect(stdout()).toMatch(/answer-unreachable: .*ECONNREFUSED/);
  });

  it('shows the progress of each stream on a terminal, then the summary of each', async () => {
    const ws = await startTestServer();
    onTestFinished(() => ws.close());
    const app = await startTestApp(
      () => `<Response><Stream keepCallAlive="true">${ws.url}</Stream></Response>`,
    );
    onTestFinished(() => app.close());
    const { io, stdout, stderr } = capture(true);
    expect(
      await main(
        ['--answer-url', `${app.origin}/answer`, '--hangup-after', '300', '--speed', '2'],
        io,
      ),
    ).toBe(0);
    expect(stderr()).toMatch(/\r0\.\d\d s {2}frames \d+ {2}heard/);
    expect(stdout()).toMatch(
      /^stream 1 of 1 \(xml, ended: caller-hangup, 1 attempt\)\ncall \S+ \(stream \S+\) to ws:/m,
    );
    expect(stdout()).toContain('  violations   none\n');
  });
});

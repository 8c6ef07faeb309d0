import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMulaw } from '@callstream/core';
import {
  serializeCheckpoint,
  serializeClearAudio,
  serializePlayAudio,
  serializeSendDtmf,
} from '@callstream/core/internal';
import { renderCallReport } from './call-report.js';
import { main } from './cli-main.js';
import type { SimulatedCallResult } from './options.js';
import { envelope } from './report-timeline.js';
import { simulateCall } from './simulate-call.js';
import { startTestServer } from './test-helpers.js';
import type { Peer, TestServer } from './test-helpers.js';
import { CALL_EVENT_TYPES } from './timeline.js';
import type { CallEvent } from './timeline.js';

const HOSTILE = `</title></code><script>alert(1)</script><img src=x onerror="alert(2)">`;
const CALLER = Int16Array.from({ length: 8000 }, (_, i) => (i < 2400 ? 0 : 12000)); // silent 300 ms
const b64 = (pcm: Int16Array): string => Buffer.from(encodeMulaw(pcm)).toString('base64');
const chunk = (value: number): string => b64(new Int16Array(160).fill(value));

/**
 * A bot scripted on the caller's media: at 100 ms a 100 ms greeting and checkpoint "greeting"; on
 * the caller's DTMF a sendDTMF; at 400 ms 200 ms of reply and a hostile checkpoint name; at 500 ms
 * clearAudio (a barge-in) and a Twilio-style `mark` (a violation).
 */
function scriptedBot(peer: Peer): void {
  let streamId = '';
  peer.socket.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.event === 'start') streamId = m.start.streamId;
    if (m.event === 'dtmf') peer.socket.send(serializeSendDtmf('1#'));
    if (m.event !== 'media') return;
    const send = (text: string): void => peer.socket.send(text);
    if (m.media.chunk === 5) {
      for (let i = 0; i < 5; i++)
        send(serializePlayAudio(streamId, 'audio/x-mulaw', 8000, chunk(8000)));
      send(serializeCheckpoint(streamId, 'greeting'));
    } else if (m.media.chunk === 20) {
      for (let i = 0; i < 10; i++)
        send(serializePlayAudio(streamId, 'audio/x-mulaw', 8000, chunk(-8000)));
      send(serializeCheckpoint(streamId, HOSTILE));
    } else if (m.media.chunk === 25) {
      send(serializeClearAudio(streamId));
      send(JSON.stringify({ event: 'mark', streamId, mark: { name: HOSTILE } }));
    }
  });
}

let server: TestServer;
let result: SimulatedCallResult;
let html: string;
beforeAll(async () => {
  server = await startTestServer(scriptedBot);
  result = await simulateCall({
    url: server.url,
    audio: { samples: CALLER, sampleRate: 8000 },
    dtmf: [{ atMs: 300, digit: '5' }],
    hangupAfterMs: 1000,
    extraHeaders: HOSTILE,
    callId: 'call-1',
    streamId: 'stream-1',
    speed: 1,
  }).done;
  html = renderCallReport(result);
});
afterAll(async () => server?.close());

const of = <T extends CallEvent['type']>(type: T): Extract<CallEvent, { type: T }>[] =>
  result.timeline.filter((e): e is Extract<CallEvent, { type: T }> => e.type === type);

// The server answers each frame at once, so its commands arrive in the tick after the frame that
// triggered them (stamped with that frame's time); on a loaded machine a reply can slip a tick, so
// the server-side times are checked against when they arrived, the platform's own exactly.
describe('the call timeline', () => {
  it('records every event of a real call at its call time, in order', () => {
    const { timeline } = result;
    expect(timeline.map((e) => e.type)).toEqual([
      'start',
      'playAudio',
      'checkpoint',
      'playedStream',
      'dtmf',
      'sendDTMF',
      'playAudio',
      'checkpoint',
      'clearAudio',
      'clearedAudio',
      'violation',
      'hangup',
    ]);
    const times = timeline.map((e) => e.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(timeline[0]).toEqual({ type: 'start', atMs: 0 });
    expect(timeline.at(-1)).toEqual({
      type: 'hangup',
      atMs: 1000,
      code: 1000,
      reason: 'hangup',
      by: 'simulator',
    });
    const [greeting, reply] = of('playAudio');
    const g = greeting!.atMs;
    const r = reply!.atMs;
    expect(g).toBeGreaterThanOrEqual(100); // answers media chunk 5, sent at 100 ms
    expect(r).toBeGreaterThanOrEqual(400); // answers chunk 20
    // The messages of one burst arrive together, so within a tick, all but never.
    const [c0, c1] = of('checkpoint').map((c) => c.atMs) as [number, number];
    expect(greeting).toEqual({ type: 'playAudio', atMs: g, endMs: c0, messages: 5, audioMs: 100 });
    expect(reply).toEqual({ type: 'playAudio', atMs: r, endMs: c1, messages: 10, audioMs: 200 });
    expect(c0 - g).toBeLessThanOrEqual(20);
    expect(c1 - r).toBeLessThanOrEqual(20);
    expect(of('checkpoint')).toEqual([
      { type: 'checkpoint', atMs: c0, name: 'greeting' },
      { type: 'checkpoint', atMs: c1, name: HOSTILE },
    ]);
    // Five 20 ms slots play in the five ticks after the audio arrived; the playhead passes the
    // checkpoint at the end of the fifth: 120 ms after the burst was stamped.
    expect(of('playedStream')).toEqual([
      { type: 'playedStream', atMs: g + 120, name: 'greeting', sentAtMs: c0 },
    ]);
    expect(of('dtmf')).toEqual([{ type: 'dtmf', atMs: 300, digit: '5' }]);
    const [dtmfReply] = of('sendDTMF');
    expect(dtmfReply).toEqual({ type: 'sendDTMF', atMs: dtmfReply!.atMs, digits: '1#' });
    expect(dtmfReply!.atMs).toBeGreaterThanOrEqual(300);
    // clearAudio arrives at c: the reply has played for c - r ms, the rest is flushed.
    const [clear] = of('clearAudio');
    const c = clear!.atMs;
    expect(c).toBeGreaterThanOrEqual(500);
    expect(c - r).toBeLessThan(200);
    expect(clear).toEqual({
      type: 'clearAudio',
      atMs: c,
      droppedMs: 200 - (c - r),
      voided: [HOSTILE],
    });
    expect(of('clearedAudio')).toEqual([{ type: 'clearedAudio', atMs: c }]);
    expect(of('violation')).toEqual([
      { type: 'violation', atMs: c, code: 'unknown-event', message: 'unknown event "mark"' },
    ]);
    expect(result.checkpoints).toEqual([{ name: 'greeting', atMs: g + 120 }]);
  });

  it('puts what the caller said on the same timeline as what they heard', () => {
    expect(result.said.length).toBe(result.heard.length);
    expect(result.said.length).toBe(8000);
    // mu-law decoding of the caller is not involved: said is the caller's own PCM
    expect(Array.from(result.said)).toEqual(Array.from(CALLER));
    const g = of('playAudio')[0]!.atMs * 8;
    const r = of('playAudio')[1]!.atMs * 8;
    const c = of('clearAudio')[0]!.atMs * 8;
    const heard = result.heard;
    expect(heard.subarray(0, g + 160).every((s) => s === 0)).toBe(true);
    expect(heard.subarray(g + 160, g + 960).every((s) => s > 7000)).toBe(true); // the greeting
    expect(heard.subarray(g + 960, r + 160).every((s) => s === 0)).toBe(true);
    expect(heard.subarray(r + 160, c + 160).every((s) => s < -7000)).toBe(true); // the reply
    expect(heard.subarray(c + 160).every((s) => s === 0)).toBe(true); // cleared
  });

  it('keeps the call metadata', () => {
    expect(result.metadata).toEqual({
      url: server.url,
      accountId: expect.stringMatching(/^MA[A-Z0-9]{18}$/),
      dialect: 'plivo',
      format: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      tracks: ['inbound'],
      extraHeaders: HOSTILE,
      speed: 1,
      startedAt: expect.any(Number),
    });
    expect(Math.abs(result.metadata.startedAt - Date.now())).toBeLessThan(60_000);
  });
});

/** [kind, atMs] of every element of `html` matching `selector`'s class. */
function markers(source: string, tag: 'g' | 'tr'): [string, number][] {
  return [
    ...source.matchAll(
      new RegExp(`<${tag} class="[^"]*" data-kind="(\\w+)" data-at-ms="(\\d+)">`, 'g'),
    ),
  ].map((m) => [m[1] as string, Number(m[2])]);
}

describe('renderCallReport', () => {
  it('draws every event on the time axis at its call time, and lists it in the events table', () => {
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    const expected = result.timeline.map((e) => [e.type, e.atMs]);
    expect(markers(svg, 'g')).toEqual(expected);
    expect(markers(html, 'tr')).toEqual(expected);
    // x = 130 + atMs / durationMs · 1210 on the 1360-wide drawing
    const x = (ms: number): number => Math.round((130 + (ms / 1000) * 1210) * 10) / 10;
    expect(svg).toContain('<line class="edge" x1="130" y1="28" x2="130"');
    expect(svg).toContain('<line class="edge" x1="1340" y1="28" x2="1340"');
    const ack = of('playedStream')[0]!;
    expect(svg).toContain(
      `data-kind="playedStream" data-at-ms="${ack.atMs}"><title>${(ack.atMs / 1000).toFixed(2)} s  checkpoint &quot;greeting&quot; acknowledged (playedStream), ${ack.atMs - ack.sentAtMs} ms after it was sent</title>` +
        `<line class="ack-span" x1="${x(ack.sentAtMs)}" y1="283" x2="${x(ack.atMs)}" y2="283"/>`,
    );
  });

  it('draws both sides as envelopes: silence flat, speech where it was', () => {
    for (const wave of ['caller', 'bot']) {
      const d = new RegExp(`data-wave="${wave}" d="M([^"]+)Z"`).exec(html)?.[1];
      expect(d, wave).toBeDefined();
      const points = d!.split('L').map((p) => p.split(',').map(Number) as [number, number]);
      expect(points.length).toBe(2 * 1210);
    }
    const caller = /data-wave="caller" d="M([^"]+)Z"/.exec(html)![1]!.split('L');
    const top = (column: number): number => Number(caller[column]!.split(',')[1]);
    // lane 34..124, middle 79; 12000/32768 of the half height above it from 300 ms (column 363)
    expect(top(0)).toBe(78.9);
    expect(top(362)).toBe(78.9);
    expect(top(364)).toBe(62.5);
  });

  it('summarises duration, frames, checkpoint delays, barge-ins, DTMF and violations', () => {
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const { sentAtMs, atMs } = of('playedStream')[0]!;
    const delay = atMs - sentAtMs;
    expect(text).toContain('duration 1.00 s, closed by the simulator (1000 hangup)');
    expect(text).toContain('frames 50 media frames sent (inbound)');
    const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    expect(result.playedMs).toBe(100 + of('clearAudio')[0]!.atMs - of('playAudio')[1]!.atMs);
    expect(text).toContain(
      `bot audio ${sec(result.playedMs)} played to the caller, in 2 playAudio burst(s) of 15 messages`,
    );
    expect(text).toContain(
      `checkpoints 1 acknowledged of 2 sent; delay sent → acknowledged min ${delay} ms, max ${delay} ms`,
    );
    const { droppedMs, atMs: clearedAt } = of('clearAudio')[0]!;
    expect(text).toContain(`barge-ins 1 (1 clearAudio, ${droppedMs} ms of queued audio flushed)`);
    expect(text).toContain('DTMF caller pressed 5; server sent 1#');
    expect(text).toContain('violations 1 (unknown-event × 1)');
    expect(text).toContain(`greeting ${sec(sentAtMs)} ${sec(atMs)} ${delay} ms`);
    expect(text).toContain(`voided by clearAudio at ${sec(clearedAt)}`);
    expect(text).toContain(`callId call-1`);
    expect(text).toContain(`format audio/x-mulaw 8000 Hz`);
  });

  it('escapes every string from the call: a hostile checkpoint name or header injects nothing', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<script|<img|onerror="/i);
    expect(html).toContain('&lt;/title&gt;&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    // The only elements are the report's own.
    const tags = new Set([...html.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(
      [
        'body',
        'circle',
        'code',
        'div',
        'footer',
        'g',
        'h1',
        'h2',
        'head',
        'header',
        'html',
        'line',
        'meta',
        'p',
        'path',
        'rect',
        'section',
        'span',
        'style',
        'svg',
        'table',
        'tbody',
        'td',
        'text',
        'th',
        'thead',
        'title',
        'tr',
      ].sort(),
    );
  });

  it('is self-contained: no script, no external URL, a CSP that forbids loading anything', () => {
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<[^>]+\s(src|href|xlink:href)=/i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).toContain('@media print');
  });

  it('renders a call that never connected', () => {
    const empty: SimulatedCallResult = {
      ...result,
      heard: new Int16Array(0),
      said: new Int16Array(0),
      durationMs: 0,
      timeline: [{ type: 'hangup', atMs: 0, code: 1006, reason: 'never', by: 'simulator' }],
      metadata: { ...result.metadata, startedAt: 0 },
    };
    const page = renderCallReport(empty, { title: 'Nothing <here>' });
    expect(page).toContain('<title>Nothing &lt;here&gt;</title>');
    expect(page).toContain('never connected');
    expect(markers(page, 'g')).toEqual([['hangup', 0]]);
  });

  it('lists every event kind in its legend', () => {
    for (const type of CALL_EVENT_TYPES)
      expect(html).toContain(`<span class="key key-${type}">${type}</span>`);
  });
});

describe('envelope', () => {
  it('takes the min and max of each column', () => {
    const samples = Int16Array.from([1, -5, 3, 7, -2, 0, 9, -9]);
    expect(envelope(samples, 4)).toEqual({ min: [-5, 0, -2, -9], max: [1, 7, 0, 9] });
    expect(envelope(samples, 3)).toEqual({ min: [-5, -2, -9], max: [1, 7, 9] });
    expect(envelope(Int16Array.from([4, -4]), 4)).toEqual({
      min: [0, 0, -4, -4],
      max: [4, 4, 0, 0],
    });
  });
});

describe('callstream-sim --report', () => {
  it('writes the report and names it in the summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callstream-report-'));
    try {
      const file = join(dir, 'call.html');
      const out: string[] = [];
      const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true } };
      const code = await main(
        [server.url, '--hangup-after', '100', '--speed', '0', '--report', file],
        io,
      );
      expect(code).toBe(0);
      expect(out.join('')).toContain(`  report       ${file}\n`);
      const page = await readFile(file, 'utf8');
      expect(page.startsWith('<!doctype html>')).toBe(true);
      expect(markers(page, 'g').map(([kind]) => kind)).toEqual(['start', 'hangup']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 and says so when the report cannot be written', async () => {
    const err: string[] = [];
    const io = {
      stdout: { write: () => true },
      stderr: { write: (t: string) => err.push(t) },
    };
    const file = join(tmpdir(), 'callstream-no-such-dir', 'nested', 'call.html');
    const argv = [server.url, '--hangup-after', '40', '--speed', '0', '--report', file];
    expect(await main(argv, io)).toBe(2);
    expect(err.join('')).toMatch(/^callstream-sim: could not write the report: ENOENT/);
  });
});

#!/usr/bin/env node
// Renders call reports in headless Chromium (Debian's /usr/bin/chromium through playwright-core)
// and checks the page as a person would see it: the demo's report (runs `pnpm demo`'s built
// program, or takes --report <file>) and a report of a scripted call that has every event kind.
// Checks: both waveforms drawn, every event marker rendered, every event in the table, no console
// error, no request but the page itself, a print layout; saves a screenshot of the demo's report.
// Run `pnpm build` first.
//
//   node scripts/check-report.mjs [--report file.html] [--screenshot out.png]
/* global document, getComputedStyle -- page.evaluate() callbacks run in the browser */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { encodeMulaw } from '@callstream/core';
import {
  serializeCheckpoint,
  serializeClearAudio,
  serializePlayAudio,
  serializeSendDtmf,
} from '@callstream/core/internal';
import { CALL_EVENT_TYPES, renderCallReport, simulateCall } from '@callstream/simulator';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: { report: { type: 'string' }, screenshot: { type: 'string' } },
});
const screenshot = resolve(root, values.screenshot ?? 'recordings/call-report.png');
const work = mkdtempSync(join(tmpdir(), 'callstream-report-'));
let failures = 0;
let passed = 0;

function check(name, ok, detail = '') {
  if (ok) passed++;
  else failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}${ok || !detail ? '' : `\n      ${detail}`}`);
}

/** Runs the built demo and returns the path of the report it printed. */
function demoReport() {
  const demo = spawnSync(process.execPath, ['examples/voice-bot/dist/demo.js'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
  });
  process.stdout.write(demo.stdout.trimEnd().replace(/^/gm, '      | ') + '\n');
  if (demo.status !== 0) throw new Error(`the demo failed (${demo.status}):\n${demo.stderr}`);
  const match = /^ {2}report {11}(\S+\.html) /m.exec(demo.stdout);
  if (!match) throw new Error('the demo printed no report path');
  return resolve(root, match[1]);
}

/** A call whose server does everything once: every event kind lands on the timeline. */
async function everyKindReport() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const chunk = (v) => Buffer.from(encodeMulaw(new Int16Array(160).fill(v))).toString('base64');
  wss.on('connection', (socket) => {
    let id = '';
    socket.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.event === 'start') id = m.start.streamId;
      if (m.event === 'dtmf') socket.send(serializeSendDtmf('1#'));
      if (m.event !== 'media') return;
      if (m.media.chunk === 5 || m.media.chunk === 20) {
        for (let i = 0; i < 10; i++)
          socket.send(serializePlayAudio(id, 'audio/x-mulaw', 8000, chunk(9000)));
        socket.send(serializeCheckpoint(id, m.media.chunk === 5 ? 'greeting' : '<b>reply</b>'));
      }
      if (m.media.chunk === 25) {
        socket.send(serializeClearAudio(id));
        socket.send(JSON.stringify({ event: 'mark', streamId: id, mark: { name: 'x' } }));
      }
    });
  });
  const caller = Int16Array.from({ length: 8000 }, (_, i) => Math.round(6000 * Math.sin(i / 5)));
  try {
    const result = await simulateCall({
      url: `ws://127.0.0.1:${wss.address().port}/stream`,
      audio: { samples: caller, sampleRate: 8000 },
      dtmf: [{ atMs: 300, digit: '5' }],
      hangupAfterMs: 1000,
    }).done;
    const file = join(work, 'every-kind.html');
    writeFileSync(file, renderCallReport(result));
    return file;
  } finally {
    for (const client of wss.clients) client.terminate();
    await new Promise((r) => wss.close(r));
  }
}

async function inspect(context, file, label, required) {
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  const url = pathToFileURL(file).href;
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('request', (req) => {
    if (req.url() !== url) requests.push(req.url());
  });
  await page.goto(url, { waitUntil: 'load' });

  const drawn = await page.evaluate(() => {
    const svg = document.querySelector('svg.timeline');
    const waves = [...document.querySelectorAll('path[data-wave]')].map((p) => {
      const box = p.getBBox();
      const style = getComputedStyle(p);
      return { wave: p.dataset.wave, width: box.width, height: box.height, fill: style.fill };
    });
    const markers = [...document.querySelectorAll('svg.timeline g[data-kind]')].map((g) => {
      const box = g.getBoundingClientRect();
      return { kind: g.dataset.kind, atMs: Number(g.dataset.atMs), w: box.width, h: box.height };
    });
    const rows = [...document.querySelectorAll('table.events tr[data-kind]')].map((tr) => ({
      kind: tr.dataset.kind,
      atMs: Number(tr.dataset.atMs),
    }));
    return {
      width: svg?.getBoundingClientRect().width ?? 0,
      scrollWidth: document.documentElement.scrollWidth,
      waves,
      markers,
      rows,
      scripts: document.scripts.length,
    };
  });
  check(
    `${label}: the timeline fills the 1400 px page without horizontal scrolling`,
    drawn.width > 1200 && drawn.scrollWidth <= 1400,
    `svg ${drawn.width} px, page ${drawn.scrollWidth} px`,
  );
  for (const wave of ['caller', 'bot']) {
    const w = drawn.waves.find((x) => x.wave === wave);
    check(
      `${label}: the ${wave}'s waveform is drawn`,
      w !== undefined && w.width > 1200 && w.height > 10 && w.fill !== 'none',
      JSON.stringify(w),
    );
  }
  const kinds = new Set(drawn.markers.map((m) => m.kind));
  const missing = required.filter((k) => !kinds.has(k));
  check(
    `${label}: every event kind has a marker (${required.join(', ')})`,
    missing.length === 0,
    `missing ${missing}`,
  );
  const invisible = drawn.markers.filter((m) => m.w === 0 || m.h === 0);
  check(`${label}: every marker is rendered`, invisible.length === 0, JSON.stringify(invisible));
  check(
    `${label}: the events table lists the same events as the timeline`,
    JSON.stringify(drawn.rows) ===
      JSON.stringify(drawn.markers.map(({ kind, atMs }) => ({ kind, atMs }))),
  );
  check(`${label}: no script`, drawn.scripts === 0);
  check(`${label}: no console error or warning`, errors.length === 0, errors.join('\n      '));
  check(`${label}: no network request`, requests.length === 0, requests.join(', '));

  await page.emulateMedia({ media: 'print' });
  const printWidth = await page.evaluate(
    () => document.querySelector('svg.timeline').getBoundingClientRect().width,
  );
  check(`${label}: the print layout keeps the timeline`, printWidth > 600, `${printWidth} px`);
  await page.emulateMedia({ media: 'screen' });
  return page;
}

let context;
try {
  const demo = values.report ? resolve(values.report) : demoReport();
  const everyKind = await everyKindReport();
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const demoKinds = [
    'start',
    'playAudio',
    'checkpoint',
    'playedStream',
    'clearAudio',
    'clearedAudio',
    'dtmf',
    'hangup',
  ];
  const page = await inspect(context, demo, 'demo report', demoKinds);
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(`      screenshot of ${demo}: ${screenshot}`);
  await inspect(context, everyKind, 'every-kind report', [...CALL_EVENT_TYPES]);
} catch (err) {
  check('the reports render', false, err?.stack ?? String(err));
} finally {
  await context?.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(`check-report: ${passed} passed, ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;

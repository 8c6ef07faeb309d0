/**
 * The load generator, in its own process: `node load-generator.js '<GeneratorConfig JSON>'`.
 * It plays the telephony platform for N calls at once: each call is a WebSocket to the server
 * that sends a Plivo `start` and then, on `media-start`, one mu-law 8 kHz `media` frame every
 * 20 ms. ONE 1 ms timer drives every call; the calls' frames are spread evenly over the 20 ms
 * period (call i is due i × 20/N ms into it), so the server sees a steady stream, not a burst per
 * period. Each frame's `timestamp` is its due time in epoch ms (t0 + 20 × chunk, as Plivo does),
 * so the server can tell how late it handled it; the generator measures its own lateness too, so
 * a late frame can be blamed on the right process. It also counts `playAudio` messages per call.
 *
 * The generator shares a 2-core machine with the server and pays the kernel's loopback work for
 * both ends of every frame it sends, so it is kept lean: a `media` frame is built as one
 * WebSocket frame in one buffer, with a zero masking key (client-frame.ts), and written straight
 * to the call's TCP socket: one write, no cork, no second chunk, nothing masked here. Messages
 * from the server skip UTF-8 validation: they are only counted.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { clientTextFrame } from './client-frame.js';
import { loadCore } from './deps.js';
import { MsHistogram } from './histogram.js';
import { LATE_MS, report, type GeneratorCommand, type GeneratorConfig } from './ipc.js';
import { syntheticVoice } from './synthetic-voice.js';

const FRAME_MS = 20;
const FRAME_BYTES = 160; // 20 ms of mu-law at 8 kHz
const CONNECT_CONCURRENCY = 100; // stays well inside the server's listen backlog (511)
const PLAY_AUDIO = Buffer.from('"event":"playAudio"');

interface Call {
  readonly socket: WebSocket;
  /** The TCP socket under `socket`, set once it is open. */
  tcp: Socket | undefined;
  readonly streamId: string;
  readonly extraHeaders: string;
  sequenceNumber: number;
  chunk: number;
  playAudio: number;
  playAudioInWindow: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as GeneratorConfig;
const { encodeMulaw } = await loadCore();

// One second of distinct payloads, reused in a loop: the wire size and the decode work are real.
const mulaw = encodeMulaw(syntheticVoice(1, 8000));
const payloads: string[] = [];
for (let at = 0; at + FRAME_BYTES <= mulaw.length; at += FRAME_BYTES) {
  payloads.push(Buffer.from(mulaw.buffer, mulaw.byteOffset + at, FRAME_BYTES).toString('base64'));
}

const calls: Call[] = [];
let otherMessages = 0;
let measuring = false;

function startMessage(call: Call): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: call.sequenceNumber++,
    start: {
      callId: randomUUID(),
      streamId: call.streamId,
      accountId: 'MAZDQ5ZTM4ODI1NTEwYT',
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
    },
    extra_headers: call.extraHeaders,
  });
}

async function connect(index: number): Promise<Call | undefined> {
  const socket = new WebSocket(`ws://127.0.0.1:${config.port}/stream?bench=${index}`, {
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  const call: Call = {
    socket,
    streamId: randomUUID(),
    extraHeaders: `userId=${10_000 + index};sessionId=bench${index}`,
    tcp: undefined,
    sequenceNumber: 1,
    chunk: 1,
    playAudio: 0,
    playAudioInWindow: 0,
  };
  socket.on('error', () => undefined); // a failed connect is counted below; a later one shows as loss
  socket.on('message', (data) => {
    // Counting needs no JSON.parse: a byte search for the event name is enough.
    if ((data as Buffer).indexOf(PLAY_AUDIO) >= 0) {
      call.playAudio++;
      if (measuring) call.playAudioInWindow++;
    } else otherMessages++;
  });
  try {
    await once(socket, 'open');
  } catch {
    return undefined;
  }
  socket.send(startMessage(call));
  // ws keeps the socket as `_socket`; the media frames below go straight to it (ws has sent and
  // queued nothing else by then, so frames stay whole and in order, before ws's close frame).
  call.tcp = (socket as unknown as { _socket: Socket })._socket;
  return call;
}

async function connectAll(): Promise<number> {
  let nextIndex = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < config.calls) {
      const call = await connect(nextIndex++);
      if (call === undefined) failed++;
      else calls.push(call);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, config.calls) }, worker));
  return failed;
}

// --- the media clock ---
let t0 = 0;
let period = FRAME_MS; // ms between two consecutive frames of the whole schedule
let nextFrame = 0; // frame g of the schedule belongs to call g % N and is due at t0 + g × period
let ticker: NodeJS.Timeout | undefined;
let sent = 0;
let sentInWindow = 0;
const sendLag = new MsHistogram();

function sendFrame(call: Call, due: number): void {
  const chunk = call.chunk++;
  const timestamp = Math.floor(performance.timeOrigin + due);
  const text =
    `{"event":"media","sequenceNumber":${call.sequenceNumber++},"streamId":"${call.streamId}",` +
    `"media":{"track":"inbound","timestamp":"${timestamp}","chunk":${chunk},` +
    `"payload":"${payloads[(chunk - 1) % payloads.length]}"},"extra_headers":"${call.extraHeaders}"}`;
  // ASCII only (ids, digits, base64) and 300-odd bytes long.
  call.tcp!.write(clientTextFrame(text));
}

function tick(): void {
  // Only what is due by now: a generator that cannot keep up must still return to the event
  // loop (and to its IPC channel), so the frames it owes wait for the next tick.
  const now = performance.now();
  let clock = now;
  for (let batch = 1; ; batch++) {
    const due = t0 + nextFrame * period;
    if (due > now) return;
    const call = calls[nextFrame % calls.length]!;
    nextFrame++;
    if (call.socket.readyState !== WebSocket.OPEN) continue;
    sendFrame(call, due);
    sent++;
    if (measuring) {
      sentInWindow++;
      sendLag.record(clock - due);
    }
    // Re-read the clock now and then, so a long batch does not understate the lag of its tail.
    if ((batch & 63) === 0) clock = performance.now();
  }
}

function startMedia(): void {
  period = FRAME_MS / calls.length;
  t0 = performance.now() + 5;
  ticker = setInterval(tick, 1);
}

// --- measurement ---
const eventLoop = monitorEventLoopDelay({ resolution: 1 });
eventLoop.enable();
let windowCpu = process.cpuUsage();
let windowStart = performance.now();

function startWindow(): void {
  for (const call of calls) call.playAudioInWindow = 0;
  sendLag.reset();
  eventLoop.reset();
  sentInWindow = 0;
  windowCpu = process.cpuUsage();
  windowStart = performance.now();
  measuring = true;
}

function endWindow(): void {
  measuring = false;
  const cpu = process.cpuUsage(windowCpu);
  const wallMs = performance.now() - windowStart;
  let playAudio = 0;
  let minPlayAudio = Infinity;
  for (const call of calls) {
    playAudio += call.playAudioInWindow;
    minPlayAudio = Math.min(minPlayAudio, call.playAudioInWindow);
  }
  const perSecond = (count: number): number => (count / wallMs) * 1000;
  report({
    type: 'window',
    window: {
      wallMs,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      eventLoopP99Ms: eventLoop.percentile(99) / 1e6,
      sendLagP99Ms: sendLag.percentile(99),
      sendLagMaxMs: sendLag.max,
      lateSends: sendLag.countAtLeast(LATE_MS),
      sent: sentInWindow,
      playAudioRateMean: calls.length === 0 ? 0 : perSecond(playAudio / calls.length),
      playAudioRateMin: calls.length === 0 ? 0 : perSecond(minPlayAudio),
    },
  });
}

async function hangUpAll(): Promise<void> {
  clearInterval(ticker);
  const closed = calls.map(async ({ socket }) => {
    if (socket.readyState === WebSocket.CLOSED) return;
    const done = once(socket, 'close');
    socket.close(1000, 'bench done');
    await done;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([Promise.all(closed), timeout]);
  const playAudio = calls.reduce((sum, call) => sum + call.playAudio, 0);
  report({ type: 'stopped', sent, playAudio, otherMessages });
}

process.on('message', (message) => {
  const command = message as GeneratorCommand;
  if (command.type === 'media-start') startMedia();
  else if (command.type === 'window-start') startWindow();
  else if (command.type === 'window-end') endWindow();
  else if (command.type === 'stop') void hangUpAll();
  else if (command.type === 'exit') {
    for (const { socket } of calls) socket.terminate();
    process.disconnect();
    process.exit(0);
  }
});

const connectStart = performance.now();
const failed = await connectAll();
report({
  type: 'connected',
  calls: calls.length,
  connectMs: performance.now() - connectStart,
  failed,
});

/**
 * `pnpm demo`: starts the voice bot on a free port, records every call to
 * recordings/<callId>.wav, places one simulated phone call into it (real time, mu-law 8 kHz,
 * the bundled caller recording) and prints what happens, then a summary. The call report (both
 * sides' audio and every event on one time axis) goes next to the recording, as <callId>.html.
 * Exit code 0 when the call went as it should (greeting, turn, barge-in, DTMF, clean protocol).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createStreamServer, readWavFile, recordCall, type CallStream } from '@callstream/core';
import { renderCallReport, simulateCall, type SimulatedCallResult } from '@callstream/simulator';
import { runVoiceBot, type BotEvent, type BotReport } from './bot.js';
import { callerTimeline, DEMO_SCRIPT, head, loadAsset } from './script.js';

const script = DEMO_SCRIPT;
const FORMAT = { encoding: 'audio/x-mulaw', sampleRate: 8000 } as const;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const stamp = (ms: number): string => `${(ms / 1000).toFixed(2).padStart(6)}s`;

function describe(event: BotEvent): string {
  switch (event.type) {
    case 'play':
      return `bot     ▶ ${event.label} (${seconds(event.audioMs)}${event.kind === 'reply' ? ': beep + echo of the turn' : ''})`;
    case 'playback-ended': {
      const r = event.record;
      if (r.status === 'played') {
        return `bot     ✓ ${r.label} played, confirmed ${r.confirmLatencyMs} ms after its end`;
      }
      return `bot     ✗ ${r.label} ${r.status} after ${seconds(r.playedMs)} of ${seconds(r.audioMs)}`;
    }
    case 'speech-start':
      return event.bargeIn
        ? 'caller  speaking over the bot → barge-in: clearAudio'
        : 'caller  speaking';
    case 'turn-end':
      return `caller  turn ${event.turn} ended (${seconds(event.speechMs)} of speech, then silence)`;
    case 'dtmf':
      return `caller  pressed ${event.digit}${event.digit === '1' ? ' → confirmation tone' : ''}`;
  }
}

interface Call {
  stream: CallStream;
  path: string;
  recording: Promise<void>;
  bot: Promise<BotReport>;
}

async function main(): Promise<number> {
  const started = performance.now();
  const [greeting, caller] = await Promise.all([
    loadAsset('greeting.wav'),
    loadAsset('caller.wav'),
  ]);
  const recordings = join(process.cwd(), 'recordings');
  await mkdir(recordings, { recursive: true });

  const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
  const calls: Call[] = [];
  server.on('stream', (stream) => {
    const path = join(recordings, `${stream.callId}.wav`);
    const { encoding, sampleRate } = stream.format;
    console.log(
      `${stamp(0)}  call    ${stream.callId} started (${encoding} ${sampleRate} Hz, track ${stream.tracks.join(' + ')})`,
    );
    // recordCall first, before anything awaits: it sees every frame.
    const recording = recordCall(stream, path);
    const bot = runVoiceBot(stream, {
      greeting: head(greeting, script.greetingMs),
      echoMs: script.echoMs,
      onEvent: (event) => console.log(`${stamp(event.atMs)}  ${describe(event)}`),
    });
    calls.push({ stream, path, recording, bot });
  });
  const { port } = await server.listen();
  const url = `ws://127.0.0.1:${port}/stream`;

  console.log('callstream demo: one simulated phone call into examples/voice-bot\n');
  console.log(`  bot listening on ${url}`);
  console.log(
    `  calling it: ${FORMAT.encoding} ${FORMAT.sampleRate} Hz, real time, caller audio from assets/caller.wav\n`,
  );

  let result: SimulatedCallResult;
  let report: BotReport;
  let call: Call | undefined;
  try {
    const sim = simulateCall({
      url,
      audio: callerTimeline(caller, script),
      format: FORMAT,
      speed: 1,
      dtmf: script.dtmf,
      hangupAfterMs: script.hangupAfterMs,
      waitForPlayoutMs: 2000,
    });
    result = await sim.done;
    console.log(
      `${stamp(result.durationMs)}  call    ended (${result.close.by === 'simulator' ? 'caller hung up' : 'bot hung up'})`,
    );
    call = calls[0];
    if (call === undefined) throw new Error('the bot never received the call');
    [report] = await Promise.all([call.bot, call.recording]);
  } finally {
    await server.close();
  }

  const wav = await readWavFile(call.path);
  const wavMs = (wav.samples.length / wav.channels / wav.sampleRate) * 1000;
  const stats = call.stream.stats;
  const confirmed = report.playbacks.filter((p) => p.status === 'played');
  const interrupted = report.playbacks.filter((p) => p.status === 'interrupted');
  const path = relative(process.cwd(), call.path);
  const reportPath = path.replace(/\.wav$/, '.html');
  await writeFile(
    reportPath,
    renderCallReport(result, { title: `callstream demo call ${result.callId}` }),
  );

  console.log('\nSummary');
  const row = (label: string, value: string): void => console.log(`  ${label.padEnd(17)}${value}`);
  row('call id', result.callId);
  row('duration', seconds(result.durationMs));
  row(
    'frames received',
    `${stats.frames.inbound} inbound (${stats.gaps.inbound} lost), ${result.framesSent} sent by the caller`,
  );
  row('turns', String(report.turns));
  row(
    'checkpoints',
    `${confirmed.length} confirmed (${result.checkpoints.length} acknowledged by the platform)`,
  );
  for (const p of confirmed)
    row(
      '',
      `${p.label.padEnd(13)} ${seconds(p.audioMs)} of audio, confirmed +${p.confirmLatencyMs} ms after its end`,
    );
  row(
    'barge-ins',
    `${report.bargeIns} (${interrupted.map((p) => `${p.label} interrupted after ${seconds(p.playedMs)}`).join(', ') || 'none'}; platform saw ${result.cleared} clearAudio)`,
  );
  row(
    'DTMF',
    report.dtmf.length > 0
      ? `${report.dtmf.join(' ')} → ${report.playbacks.some((p) => p.kind === 'confirmation') ? 'confirmation tone' : 'no reaction'}`
      : 'none',
  );
  row('violations', String(result.violations.length));
  for (const v of result.violations) row('', `${v.code}: ${v.message}`);
  row(
    'recording',
    `${path} (${wav.channels} ch, ${wav.sampleRate} Hz, ${seconds(wavMs)}: caller left, bot right)`,
  );
  row('report', `${reportPath} (audio and events on one time axis; open it in a browser)`);

  const problems = [
    result.violations.length > 0 && 'protocol violations',
    report.turns < 1 && 'no turn was answered',
    report.bargeIns < 1 && 'no barge-in',
    interrupted.length < 1 && 'no playback was interrupted',
    result.cleared < 1 && 'the platform saw no clearAudio',
    !confirmed.some((p) => p.kind === 'greeting') && 'the greeting was not confirmed',
    !report.playbacks.some((p) => p.kind === 'confirmation' && p.status === 'played') &&
      'DTMF 1 got no confirmation tone',
    (wav.channels !== 2 || wav.sampleRate !== FORMAT.sampleRate) &&
      'the recording is not 2 channels at 8000 Hz',
    Math.abs(wavMs - result.durationMs) > 200 && 'the recording length does not match the call',
  ].filter((p): p is string => typeof p === 'string');
  console.log(
    `\n${problems.length === 0 ? 'demo OK' : `demo FAILED: ${problems.join('; ')}`} (${seconds(performance.now() - started)})`,
  );
  if (problems.length === 0) console.log(`listen to it: play ${path}   (or: sox --i ${path})`);
  return problems.length === 0 ? 0 : 1;
}

// The call lasts about 15 s: if anything hangs, fail instead of waiting forever.
setTimeout(() => {
  console.error('demo FAILED: still running after 60 s');
  process.exit(1);
}, 60_000).unref();

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('demo FAILED:', err);
    process.exitCode = 1;
  },
);

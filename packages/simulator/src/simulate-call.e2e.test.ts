/**
 * End to end against callstream's own server: real bots built on CallStream, called by the
 * simulator at real time.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamServer, decodeMulaw, readWavFile } from '@callstream/core';
import type { CallStream, PlaybackResult, StreamServer } from '@callstream/core';
import { simulateCall } from './simulate-call.js';
import { indexOfSamples } from './test-helpers.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/caller-16k.wav', import.meta.url));

let server: StreamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function listen(onStream: (stream: CallStream) => Promise<void>): Promise<string> {
  server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
  server.on('stream', (stream) => {
    onStream(stream).catch((err: unknown) => stream.emit('error', err as Error));
  });
  const { port } = await server.listen();
  return `ws://127.0.0.1:${port}/stream`;
}

const tone = (length: number, hz: number, rate: number, amplitude: number): Int16Array =>
  Int16Array.from({ length }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)),
  );

/**
 * PCM that survives mu-law exactly: decoded mu-law codes below 0x7f (negative samples) or, with
 * `positive`, from 0x80 to 0xfe, so two such signals never contain each other.
 */
function mulawExact(length: number, step: number, positive: boolean): Int16Array {
  const codes = Uint8Array.from(
    { length },
    (_, i) => ((i * step + 1) % 127) | (positive ? 0x80 : 0),
  );
  return decodeMulaw(codes);
}

function concat(chunks: Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe('simulateCall against callstream', () => {
  it('lets a greeting bot play to the caller: heard sample-exact, checkpoint confirmed, caller audio received', async () => {
    const wav = await readWavFile(fixture);
    const caller = wav.samples.subarray(0, 16 * 600); // 600 ms at 16 kHz
    const greeting = tone(16 * 300, 523, 16000, 6000);
    const inbound: Int16Array[] = [];
    let played: { name: string; result: PlaybackResult } | undefined;
    const url = await listen(async (stream) => {
      const collecting = (async () => {
        for await (const frame of stream.frames({ track: 'inbound' }))
          inbound.push(frame.samples.slice());
      })();
      const playback = stream.playAudio(greeting);
      played = { name: playback.name, result: await playback };
      await collecting;
    });

    const result = await simulateCall({
      url,
      audio: { samples: caller, sampleRate: 16000 },
      format: { encoding: 'audio/x-l16', sampleRate: 16000 },
      hangupAfterMs: 600,
      waitForPlayoutMs: 1000,
    }).done;

    expect(result.violations).toEqual([]);
    expect(played?.result).toEqual({ status: 'played', playedMs: 300 });
    const offset = indexOfSamples(result.heard, greeting);
    expect(offset).toBeGreaterThanOrEqual(0);
    const outside = [
      ...result.heard.subarray(0, offset),
      ...result.heard.subarray(offset + greeting.length),
    ];
    expect(outside.every((s) => s === 0)).toBe(true);
    expect(result.checkpoints).toEqual([
      { name: played!.name, atMs: (offset + greeting.length) / 16 },
    ]);
    const received = concat(inbound);
    expect(received.length).toBeGreaterThanOrEqual(caller.length);
    expect(Array.from(received.subarray(0, caller.length))).toEqual(Array.from(caller));
    expect(result.close).toEqual({ code: 1000, reason: 'hangup', by: 'simulator' });
  });

  it('lets a bot barge in: the flushed reply is cut off and never confirmed, the next one plays', async () => {
    const caller = concat([
      new Int16Array(8 * 300),
      tone(8 * 400, 300, 8000, 8000), // the caller starts talking at 300 ms
      new Int16Array(8 * 300),
    ]);
    const reply = mulawExact(8 * 2000, 37, false); // 2 s
    const sorry = mulawExact(8 * 200, 53, true);
    const results: Record<string, PlaybackResult> = {};
    const names: Record<string, string> = {};
    const url = await listen(async (stream) => {
      const replying = stream.playAudio(reply);
      names.reply = replying.name;
      void replying.then((r) => (results.reply = r));
      for await (const frame of stream.frames({ track: 'inbound' })) {
        const energy = frame.samples.reduce((sum, s) => sum + s * s, 0) / frame.samples.length;
        if (Math.sqrt(energy) > 2000 && names.sorry === undefined) {
          await stream.clearAudio();
          const sorryPlayback = stream.playAudio(sorry);
          names.sorry = sorryPlayback.name;
          void sorryPlayback.then((r) => (results.sorry = r));
        }
      }
    });

    const result = await simulateCall({
      url,
      audio: { samples: caller, sampleRate: 8000 },
      waitForPlayoutMs: 1000,
    }).done;
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the server settle its playbacks

    expect(result.violations).toEqual([]);
    expect(result.cleared).toBe(1);
    expect(result.checkpoints.map((c) => c.name)).toEqual([names.sorry]);
    expect(results.reply?.status).toBe('interrupted');
    expect(results.sorry).toEqual({ status: 'played', playedMs: 200 });

    const heard = result.heard;
    const start = heard.findIndex((s) => s !== 0);
    let cut = 0;
    while (cut < reply.length && heard[start + cut] === reply[cut]) cut++;
    expect(cut).toBeGreaterThan(8 * 100); // some of the reply played before the caller spoke
    expect(cut).toBeLessThan(8 * 1000); // and it stopped soon after they did
    expect(cut % 160).toBe(0); // at the end of the 20 ms slot playing when clearAudio came
    const at = indexOfSamples(heard, sorry);
    expect(at).toBeGreaterThanOrEqual(start + cut);
    const rest = [...heard.subarray(start + cut, at), ...heard.subarray(at + sorry.length)];
    expect(rest.every((s) => s === 0)).toBe(true);
  });
});

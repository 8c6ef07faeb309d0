/**
 * The hand-written servers callstream is compared with: what a user writes with `ws` alone. Each
 * `JSON.parse`s every message and base64-decodes every payload (`Buffer.from`), then:
 *
 * - (a) the floor: nothing more.
 * - (h) PCM: the mu-law table decode and nothing else, so each frame ends as the `Int16Array`
 *   callstream hands out (the inbound target's baseline).
 * - (d) echo: JSON.parse each message, base64-decode the payload and decode it to PCM with a
 *   mu-law table (what the bot hears), then answer at once with one `playAudio`: the PCM encoded
 *   back with `alawmulaw`, base64, `JSON.stringify`, one `socket.send` per frame.
 * - (g) transcription at 16 kHz: (a) plus the mu-law table and a speexdsp resampler (WebAssembly
 *   SIMD, quality 5) per call, 8 → 16 kHz.
 */
import { once } from 'node:events';
import alawmulaw from 'alawmulaw';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsBenchServer, type BenchServer } from './bench-server.js';
import type { CallFrames, FrameCheck } from './frame-check.js';
import { decodeMulawTable } from './mulaw-table.js';
import { loadSpeex, type SpeexResampler } from './speex.js';

interface Message {
  event?: unknown;
  streamId?: string;
  start?: { streamId?: string };
  media?: { chunk?: number; timestamp?: string; payload?: string };
}

/** What each call does with a media frame's wire bytes; returns the samples it made of them. */
type OnAudio = (socket: WebSocket, streamId: string, bytes: Buffer) => number;

async function startHandWritten(
  check: FrameCheck,
  perCall: () => { onAudio: OnAudio; close?: () => void },
): Promise<BenchServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(wss, 'listening');
  let open = 0;
  let started = 0;

  wss.on('connection', (socket) => {
    open++;
    let call: CallFrames | undefined;
    let streamId = '';
    const handler = perCall();
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(String(data)) as Message;
      if (message.event === 'media' && call !== undefined && message.media !== undefined) {
        const { chunk, timestamp, payload } = message.media;
        const bytes = Buffer.from(payload ?? '', 'base64');
        call.frame(Number(chunk), Number(timestamp), handler.onAudio(socket, streamId, bytes));
      } else if (message.event === 'start' && call === undefined) {
        started++;
        streamId = message.start?.streamId ?? '';
        call = check.call();
      }
    });
    socket.on('error', () => check.errors++);
    socket.on('close', () => {
      open--;
      if (call !== undefined) started--;
      handler.close?.();
    });
  });

  return wsBenchServer(
    wss,
    () => open,
    () => started,
  );
}

/** (a): the floor, the least any Plivo stream server does. */
export function startBaseline(check: FrameCheck): Promise<BenchServer> {
  return startHandWritten(check, () => ({ onAudio: (_socket, _streamId, bytes) => bytes.length }));
}

/** (h): the frame's PCM, as a server that hands its samples on would have it. */
export function startHandWrittenPcm(check: FrameCheck): Promise<BenchServer> {
  return startHandWritten(check, () => ({
    onAudio: (_socket, _streamId, bytes) => decodeMulawTable(bytes).length,
  }));
}

/** (d): one `playAudio` back per frame received, sent at once. */
export function startHandWrittenEcho(check: FrameCheck): Promise<BenchServer> {
  return startHandWritten(check, () => {
    check.playbacks++;
    return {
      onAudio: (socket, streamId, bytes) => {
        const pcm = decodeMulawTable(bytes);
        socket.send(
          JSON.stringify({
            event: 'playAudio',
            streamId,
            media: {
              contentType: 'audio/x-mulaw',
              sampleRate: 8000,
              payload: Buffer.from(alawmulaw.mulaw.encode(pcm)).toString('base64'),
            },
          }),
        );
        return pcm.length;
      },
    };
  });
}

/** (g): every frame resampled to 16 kHz with speexdsp, as a transcriber would want it. */
export async function startHandWrittenTranscriber(check: FrameCheck): Promise<BenchServer> {
  const speex = await loadSpeex();
  return startHandWritten(check, () => {
    const resampler: SpeexResampler = speex(8000, 16000);
    return {
      onAudio: (_socket, _streamId, bytes) => resampler.process(decodeMulawTable(bytes)).length,
      close: () => resampler.destroy(),
    };
  });
}

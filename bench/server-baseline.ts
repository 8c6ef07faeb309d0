/**
 * Variant (a), the baseline: a plain `ws` server that does what any Plivo stream server must do
 * at the least, JSON.parse each message and base64-decode each payload, and nothing else.
 */
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { wsBenchServer, type BenchServer } from './bench-server.js';
import type { CallFrames, FrameCheck } from './frame-check.js';

interface Message {
  event?: unknown;
  media?: { chunk?: number; timestamp?: string; payload?: string };
}

export async function startBaseline(check: FrameCheck): Promise<BenchServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(wss, 'listening');
  let open = 0;
  let started = 0;

  wss.on('connection', (socket) => {
    open++;
    let call: CallFrames | undefined;
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(String(data)) as Message;
      if (message.event === 'media' && call !== undefined && message.media !== undefined) {
        const { chunk, timestamp, payload } = message.media;
        const audio = Buffer.from(payload ?? '', 'base64');
        call.frame(Number(chunk), Number(timestamp), audio.length);
      } else if (message.event === 'start' && call === undefined) {
        started++;
        call = check.call();
      }
    });
    socket.on('error', () => check.errors++);
    socket.on('close', () => {
      open--;
      if (call !== undefined) started--;
    });
  });

  return wsBenchServer(
    wss,
    () => open,
    () => started,
  );
}

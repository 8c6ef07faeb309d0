import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { WebSocket } from 'ws';

/**
 * Resolves with the HTTP status of an upgrade: 101 once the socket opened, or the status of the
 * refusal (no 'open' then). Any other failure rejects.
 */
export function upgradeStatus(url: string, headers?: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

/** Opens a plain WebSocket, sends `text` and resolves with the first message that comes back. */
export async function echoRoundTrip(url: string, text: string): Promise<string> {
  const ws = new WebSocket(url);
  try {
    await once(ws, 'open');
    ws.send(text);
    const [data] = (await once(ws, 'message')) as [Buffer];
    return String(data);
  } finally {
    ws.terminate();
  }
}

/** One masked client text frame, as RFC 6455 §5.2 lays it out. */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const len = payload.length;
  if (len >= 65_536) throw new RangeError('frame too long for this helper');
  const mask = randomBytes(4);
  const header =
    len < 126
      ? Buffer.from([0x81, 0x80 | len])
      : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff]);
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([header, mask, masked]);
}

/**
 * A client that does not wait for the 101: it writes the upgrade request and `first` in one
 * write, then `second` after `gapMs` (while the server may still be authenticating). Resolves with
 * the status line's code once the response arrives; the socket stays open until `close()`.
 */
export async function eagerUpgrade(
  port: number,
  path: string,
  first: Buffer,
  second: Buffer,
  gapMs: number,
): Promise<{ status: number; close(): void }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const request =
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  socket.write(Buffer.concat([Buffer.from(request), first]));
  const timer = setTimeout(() => socket.write(second), gapMs);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 0);
  return {
    status,
    close: () => {
      clearTimeout(timer);
      socket.destroy();
    },
  };
}

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

/** The bytes of an HTTP/1.1 WebSocket upgrade request for `path`. */
export function upgradeRequest(port: number, path: string): Buffer {
  return Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
}

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  /** RSV1..3 bits, as the high nibble's low three bits (0b100 = RSV1). */
  rsv?: number;
  /** Mask the payload, as a client must. Default true. */
  masked?: boolean;
  /** Announce this length instead of the payload's (a lie, for broken framing). */
  length?: bigint;
}

/** One client frame laid out as RFC 6455 §5.2 says, or bent as `spec` asks. */
export function frame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string'
      ? Buffer.from(spec.payload)
      : (spec.payload ?? Buffer.alloc(0));
  const masked = spec.masked ?? true;
  const length = spec.length ?? BigInt(payload.length);
  const b0 = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  const m = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126n) header = Buffer.from([b0, m | Number(length)]);
  else if (length < 65_536n) {
    header = Buffer.from([b0, m | 126, 0, 0]);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = m | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++)
    body[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([header, mask, body]);
}

/** A masked text frame holding `message` (JSON-encoded unless a string). */
export function textFrame(message: unknown): Buffer {
  return frame({
    opcode: 1,
    payload: typeof message === 'string' ? message : JSON.stringify(message),
  });
}

/**
 * A WebSocket client made of a bare TCP socket, for what a real client never does: broken
 * framing, resets at any moment, a peer that stops reading. Closed when the test ends.
 */
export class RawClient {
  readonly socket: Socket;
  /** Bytes received after the response head. */
  #rest = Buffer.alloc(0);
  #head: Promise<number> | undefined;
  readonly ended: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('error', () => {}); // resets are what these tests are about
    this.ended = once(socket, 'close').then(() => undefined);
    onTestFinished(() => void socket.destroy());
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Connects, sends the upgrade request and resolves once the 101 has arrived. */
  static async upgrade(port: number, path: string): Promise<RawClient> {
    const client = await RawClient.connect(port);
    client.socket.write(upgradeRequest(port, path));
    const status = await client.status();
    if (status !== 101) throw new Error(`upgrade answered ${status}`);
    return client;
  }

  /** The status of the response to the upgrade request (0 if the socket closed first). */
  status(): Promise<number> {
    this.#head ??= new Promise((resolve) => {
      let buffered = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        this.socket.off('data', onData);
        this.#rest = buffered.subarray(end + 4);
        this.socket.on('data', (more: Buffer) => (this.#rest = Buffer.concat([this.#rest, more])));
        resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(buffered.toString('latin1'))?.[1] ?? 0));
      };
      this.socket.on('data', onData);
      this.socket.once('close', () => resolve(0));
    });
    return this.#head;
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /**
   * Resolves with the code of the server's close frame once the socket has closed (undefined if
   * the server cut the connection without one).
   */
  async closeCode(): Promise<number | undefined> {
    await this.ended;
    let at = 0;
    const buf = this.#rest;
    while (at + 2 <= buf.length) {
      const opcode = (buf[at] as number) & 0x0f;
      let len = (buf[at + 1] as number) & 0x7f;
      let start = at + 2;
      if (len === 126) {
        len = buf.readUInt16BE(at + 2);
        start += 2;
      } else if (len === 127) {
        len = Number(buf.readBigUInt64BE(at + 2));
        start += 8;
      }
      if (opcode === 8) return len >= 2 ? buf.readUInt16BE(start) : 1005;
      at = start + len;
    }
    return undefined;
  }
}

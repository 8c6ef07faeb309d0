/**
 * The server's reader of the frames a client sends (RFC 6455 §5), for the frames a media stream
 * is made of: whole (unfragmented) text and binary messages, pings and pongs, masked as a client
 * must mask them. `ws`'s receiver reads every frame through a `Writable` (a buffer list, a state
 * machine, a tick per write); a phone call sends 50 small messages a second, each usually alone
 * in its socket read, so that machinery costs more than the frame. This reader walks the chunk
 * the socket delivers, unmasks each payload in place and hands it on as a view of that chunk.
 *
 * Anything else (a close frame, a fragment, a continuation, reserved bits or opcodes, an unmasked
 * frame, a 64-bit length, a length over `maxPayload`, invalid UTF-8 where it is checked) is not
 * read here: from the first byte of that frame on, every byte is handed off to `ws`'s own
 * receiver, which has read nothing yet and so is exactly where this reader left the stream (at a
 * frame boundary, no message begun). It then does what it always did: the close handshake, the
 * error and its close code, fragmented messages. So the two readers never disagree on a byte
 * stream; the tests hold them equal.
 *
 * A frame split across socket reads is copied into a buffer of its own size (at most 8 + 65,535
 * bytes: a longer one is handed off), filled as the rest arrives: a trickle of one byte per read
 * costs one copy of each byte, and the buffer holds nothing of the chunks it came from.
 */

import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';

/** Where the frames go. */
export interface FrameSink {
  /**
   * A whole text or binary message, unmasked, as a view of the socket's chunk (valid until the
   * sink returns, unless copied). Returns false to leave it unread: it is masked again and
   * handed off with what follows.
   */
  message(data: Buffer, isBinary: boolean): boolean;
  ping(data: Buffer): void;
  pong(data: Buffer): void;
  /** Bytes this reader does not read, in order; the first call starts at a frame's first byte. */
  handOff(bytes: Buffer): void;
}

export interface FrameReaderOptions {
  /** The largest message taken, in bytes; one announced larger is handed off (which refuses it). */
  maxPayload: number;
  /** Check that text messages are UTF-8 (one that is not is handed off, which refuses it). */
  checkUtf8: boolean;
}

/** `measure`'s answer for a frame this reader does not read. */
const HAND_OFF = -1;
/** The header of a frame with a 16-bit length: 2 bytes, the length, the 4-byte mask. */
const HEADER_16 = 8;

/** FIN set, RSV clear, and an opcode read here: text, binary, ping, pong. */
function isRead(b0: number): boolean {
  return b0 === 0x81 || b0 === 0x82 || b0 === 0x89 || b0 === 0x8a;
}

type Unmask = (data: Buffer, mask: Buffer) => void;

function unmaskJs(data: Buffer, mask: Buffer): void {
  for (let i = 0; i < data.length; i++) data[i]! ^= mask[i & 3]!;
}

/** bufferutil's native unmask when it is installed, as ws does: above 32 bytes it pays. */
const nativeUnmask = ((): Unmask | undefined => {
  try {
    const bufferUtil = createRequire(import.meta.url)('bufferutil') as { unmask?: Unmask };
    return typeof bufferUtil.unmask === 'function' ? bufferUtil.unmask : undefined;
  } catch {
    return undefined;
  }
})();

function unmask(data: Buffer, mask: Buffer): void {
  if (nativeUnmask === undefined || data.length < 32) unmaskJs(data, mask);
  else nativeUnmask(data, mask);
}

/**
 * Reads the frames of one connection. Feed it every chunk the socket delivers, in order, until
 * it has handed off (after which it passes chunks straight to {@link FrameSink.handOff}).
 *
 * @example
 * const reader = new FrameReader({ maxPayload: 65_536, checkUtf8: false }, sink);
 * socket.on('data', (chunk: Buffer) => reader.push(chunk));
 */
export class FrameReader {
  readonly #maxPayload: number;
  readonly #checkUtf8: boolean;
  readonly #sink: FrameSink;
  /** The start of a frame the last chunk ended in, sized to what is needed next. */
  #pending: Buffer | undefined;
  #filled = 0;
  #handedOff = false;

  constructor(options: FrameReaderOptions, sink: FrameSink) {
    this.#maxPayload = options.maxPayload;
    this.#checkUtf8 = options.checkUtf8;
    this.#sink = sink;
  }

  /** True once a frame was handed off: every byte since went to the sink's `handOff`. */
  get handedOff(): boolean {
    return this.#handedOff;
  }

  push(chunk: Buffer): void {
    if (this.#handedOff) {
      this.#sink.handOff(chunk);
      return;
    }
    let p = 0;
    if (this.#pending !== undefined) {
      p = this.#resume(chunk);
      if (p < 0) return;
    }
    while (p < chunk.length) {
      const available = chunk.length - p;
      const size = this.#measure(chunk, p, available);
      if (size === HAND_OFF) {
        this.#handOff(chunk, p);
        return;
      }
      if (size > available) {
        this.#pending = Buffer.allocUnsafe(size);
        this.#filled = chunk.copy(this.#pending, 0, p);
        return;
      }
      if (!this.#read(chunk, p, size)) {
        this.#handOff(chunk, p);
        return;
      }
      p += size;
    }
  }

  /**
   * The bytes needed from `buf[p]` on: the whole frame's size once its header is there (more
   * than `available` when the frame goes on in the next chunk), else the header's size (more
   * than `available`), or {@link HAND_OFF}.
   */
  #measure(buf: Buffer, p: number, available: number): number {
    if (available < 2) return 2;
    const b0 = buf[p]!;
    const b1 = buf[p + 1]!;
    if (!isRead(b0) || (b1 & 0x80) === 0) return HAND_OFF; // a client must mask
    const length = b1 & 0x7f;
    if (length < 126) {
      // Control frames fit in 125 bytes, so only data frames meet maxPayload here.
      return length > this.#maxPayload ? HAND_OFF : 6 + length;
    }
    if (length === 127 || b0 >= 0x89) return HAND_OFF; // a 64-bit length; a control frame over 125
    if (available < 4) return HEADER_16;
    const long = (buf[p + 2]! << 8) | buf[p + 3]!;
    return long > this.#maxPayload ? HAND_OFF : HEADER_16 + long;
  }

  /** Goes on with the pending frame: the offset in `chunk` after it, or -1 if `chunk` is used up. */
  #resume(chunk: Buffer): number {
    let p = 0;
    for (;;) {
      const pending = this.#pending!;
      const taken = chunk.copy(pending, this.#filled, p);
      this.#filled += taken;
      p += taken;
      if (this.#filled < pending.length) return -1;
      const size = this.#measure(pending, 0, this.#filled);
      if (size > this.#filled) {
        // The header is there now and says how long the frame is.
        const grown = Buffer.allocUnsafe(size);
        pending.copy(grown);
        this.#pending = grown;
        continue;
      }
      this.#pending = undefined;
      if (size === HAND_OFF || !this.#read(pending, 0, size)) {
        this.#handOff(pending, 0);
        if (p < chunk.length) this.#sink.handOff(chunk.subarray(p));
        return -1;
      }
      return p;
    }
  }

  /** Reads the whole frame of `size` bytes at `buf[p]`; false leaves it as it was, to hand off. */
  #read(buf: Buffer, p: number, size: number): boolean {
    const b0 = buf[p]!;
    const maskAt = p + ((buf[p + 1]! & 0x7f) === 126 ? 4 : 2);
    const mask = buf.subarray(maskAt, maskAt + 4);
    const data = buf.subarray(maskAt + 4, p + size);
    unmask(data, mask);
    if (b0 === 0x89) this.#sink.ping(data);
    else if (b0 === 0x8a) this.#sink.pong(data);
    else {
      const isBinary = b0 === 0x82;
      if ((this.#checkUtf8 && !isBinary && !isUtf8(data)) || !this.#sink.message(data, isBinary)) {
        unmask(data, mask); // masking again is unmasking: the bytes are as they came
        return false;
      }
    }
    return true;
  }

  #handOff(chunk: Buffer, p: number): void {
    this.#handedOff = true;
    this.#sink.handOff(p === 0 ? chunk : chunk.subarray(p));
  }
}

/**
 * A client-to-server WebSocket text frame in one buffer, as the load generator writes it straight
 * to a call's TCP socket: FIN + text, the masked bit with a 16-bit length, and a zero masking key,
 * so the payload goes out as it is. A server unmasks it all the same (`ws` and callstream both
 * XOR every masked payload with its key, whatever the key is), so its work is that of any client.
 */

/** The header: 2 bytes, the 16-bit length, the 4-byte key. */
export const CLIENT_FRAME_HEADER_BYTES = 8;

/**
 * Frames `text`, which must be ASCII (one byte per character) and 126-65535 characters long, the
 * lengths with a 16-bit length field; a RangeError otherwise.
 */
export function clientTextFrame(text: string): Buffer {
  const length = text.length;
  if (length < 126 || length > 0xffff) {
    throw new RangeError(`a 16-bit-length frame holds 126-65535 bytes, not ${length}`);
  }
  const frame = Buffer.allocUnsafe(CLIENT_FRAME_HEADER_BYTES + length);
  frame[0] = 0x81;
  frame[1] = 0x80 | 126;
  frame.writeUInt16BE(length, 2);
  frame.writeUInt32BE(0, 4);
  frame.write(text, CLIENT_FRAME_HEADER_BYTES, 'latin1');
  return frame;
}

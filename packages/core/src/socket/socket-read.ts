/**
 * Reads a TCP socket into one buffer that every socket shares, as `net.Socket`'s `onread` option
 * does for a socket it creates: the bytes of each read are handed to a callback and never become
 * a chunk of the socket's `Readable` side. Node's usual path allocates a buffer for every read,
 * shrinks it, wraps it in a `Buffer` and passes it through the `Readable` machinery; a phone call
 * sends 50 small messages a second, each usually its own read, so that path costs more than
 * reading the frame. The end of the stream, errors, `pause()` and `resume()` are Node's own, as
 * with `onread`.
 *
 * A socket that a server accepted has no `onread` option, so this sets what the option would
 * have set: the socket's own fields for it (found by their names on a probe socket made with the
 * option) and its handle's `useUserBuffer`. Where either is not there, or the socket is not a
 * plain TCP socket (a TLS socket reads through its own layer), nothing is changed and the socket
 * stays on its `data` events.
 *
 * The bytes handed to the callback are valid until it returns: the next read, of any socket,
 * overwrites them. Whatever keeps them must copy them.
 */

import { Socket } from 'node:net';

type ReadCallback = (nread: number, buffer: Buffer) => boolean | undefined;

interface TcpHandle {
  useUserBuffer(buffer: Uint8Array): void;
}

/** The socket's fields `onread` sets, or undefined where this Node does not have them. */
const fields = ((): { buffer: symbol; callback: symbol } | undefined => {
  const buffer = Buffer.alloc(1);
  const callback: ReadCallback = () => true;
  // Node reads `onread` in the Socket constructor; its types have it on `connect` only.
  const options = { onread: { buffer, callback } } as ConstructorParameters<typeof Socket>[0];
  const probe = new Socket(options) as unknown as Record<symbol, unknown>;
  const symbols = Object.getOwnPropertySymbols(probe);
  const bufferField = symbols.find((s) => s.description === 'kBuffer');
  const callbackField = symbols.find((s) => s.description === 'kBufferCb');
  if (bufferField === undefined || callbackField === undefined) return undefined;
  if (probe[bufferField] !== buffer || probe[callbackField] !== callback) return undefined;
  return { buffer: bufferField, callback: callbackField };
})();

/** The buffer every socket read here is read into (one read at a time, on this thread). */
const shared = Buffer.allocUnsafe(65_536);

/**
 * Has every later read of `socket` handed to `onBytes` as a view of the shared buffer, valid
 * until `onBytes` returns, and not emitted as `data`. Returns false, changing nothing, where the
 * socket cannot be read so (see the module comment), while it still has bytes in its
 * `Readable` buffer (they would come after the reads that follow), or while it is paused.
 */
export function readIntoSharedBuffer(socket: object, onBytes: (bytes: Buffer) => void): boolean {
  if (fields === undefined || !(socket instanceof Socket)) return false;
  const handle = (socket as unknown as { _handle?: unknown })._handle as
    Partial<TcpHandle> | null | undefined;
  if (
    handle === null ||
    handle === undefined ||
    handle.constructor?.name !== 'TCP' ||
    typeof handle.useUserBuffer !== 'function' ||
    socket.readableLength > 0 ||
    socket.readableFlowing === false || // paused: its reads would not stop
    socket.destroyed
  ) {
    return false;
  }
  const own = socket as unknown as Record<symbol, unknown>;
  if (own[fields.buffer]) return false; // made with its own onread
  const callback: ReadCallback = (nread) => {
    onBytes(shared.subarray(0, nread));
    return true;
  };
  handle.useUserBuffer(shared);
  own[fields.buffer] = shared;
  own[fields.callback] = callback;
  return true;
}

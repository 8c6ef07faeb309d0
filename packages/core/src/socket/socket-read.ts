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
interface Fields {
  buffer: symbol;
  callback: symbol;
}

const fields = ((): Fields | undefined => {
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
 * The shared-buffer reads of one socket. Made by {@link sharedReads} where the socket can be
 * read so; {@link start} begins them, {@link giveBack} returns the socket to Node's usual path.
 */
export class SharedReads {
  readonly #socket: Socket;
  readonly #handle: TcpHandle;
  readonly #own: Record<symbol, unknown>;
  readonly #fields: Fields;
  #started = false;
  #givenBack = false;

  constructor(socket: Socket, handle: TcpHandle, socketFields: Fields) {
    this.#socket = socket;
    this.#handle = handle;
    this.#own = socket as unknown as Record<symbol, unknown>;
    this.#fields = socketFields;
  }

  /** True once {@link start} succeeded: reads no longer come as `data` events of their own. */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Has every later read handed to `onBytes` as a view of the shared buffer, valid until
   * `onBytes` returns, instead of emitted as `data`. Returns false, changing nothing, while the
   * socket still has bytes in its `Readable` buffer (they would come after the reads that
   * follow) or is paused (its reads would not stop): call it again later.
   */
  start(onBytes: (bytes: Buffer) => void): boolean {
    const socket = this.#socket;
    if (socket.readableLength > 0 || socket.readableFlowing === false || socket.destroyed) {
      return false;
    }
    this.#handle.useUserBuffer(shared);
    this.#own[this.#fields.buffer] = shared;
    this.#setCallback((nread) => {
      onBytes(shared.subarray(0, nread));
      return true;
    });
    this.#started = true;
    return true;
  }

  /**
   * Pushes a copy of `bytes` (the rest of the current read) through the socket's `Readable`
   * side, and every later read with it: from then on the socket emits `data` and stops
   * reading while its `Readable` buffer is full, as on Node's usual path.
   */
  giveBack(bytes: Buffer): void {
    const socket = this.#socket;
    if (!this.#givenBack) {
      this.#givenBack = true;
      this.#setCallback((nread) => socket.push(Buffer.from(shared.subarray(0, nread))));
    }
    socket.push(Buffer.from(bytes));
  }

  #setCallback(callback: ReadCallback): void {
    this.#own[this.#fields.callback] = callback;
  }
}

/**
 * The shared-buffer reads of `socket`, or undefined where it cannot be read so (see the module
 * comment): not a plain TCP socket, a Node without the fields, a socket with its own `onread`.
 */
export function sharedReads(socket: object): SharedReads | undefined {
  if (fields === undefined || !(socket instanceof Socket)) return undefined;
  const handle = (socket as unknown as { _handle?: Partial<TcpHandle> | null })._handle;
  if (
    handle === null ||
    handle === undefined ||
    handle.constructor?.name !== 'TCP' ||
    typeof handle.useUserBuffer !== 'function' ||
    (socket as unknown as Record<symbol, unknown>)[fields.buffer] // made with its own onread
  ) {
    return undefined;
  }
  return new SharedReads(socket, handle as TcpHandle, fields);
}

/**
 * The `ws` WebSocket class of callstream's own WebSocket servers (the standalone server, the
 * http adapter, the Fastify plugin's registration): a `WebSocket` whose frames are read by
 * {@link FrameReader} until one comes that it leaves to `ws`'s receiver (see `frame-reader.ts`).
 * What it reads goes where `ws`'s receiver would have sent it (its `message`, `ping` and `pong`
 * events, and so `ws`'s auto-pong and the socket's events), or, once {@link takeMessages} is
 * called, straight to the stream.
 *
 * It builds on two things of `ws` that are not its documented API: the socket's `data` listener
 * (`socketOnData`, found by name) and the receiver it feeds (`_receiver`). Where either is not
 * as expected, or `allowSynchronousEvents` is off (ws then emits each event on a tick of its own),
 * nothing is changed and `ws` reads every frame. A test holds the reader in place with the `ws`
 * of the lockfile. With permessage-deflate, a compressed message has RSV1 set, so it and all
 * after it go to `ws`, which inflates them.
 *
 * A plain TCP socket is then read into one buffer all sockets share (`socket-read.ts`), without
 * a chunk per read: the bytes are read in place there, and whatever outlives the read (a
 * message, ping or pong given to listeners, bytes handed to `ws`) is copied first. A message
 * given to the {@link takeMessages} handler is not: it is valid until the handler returns.
 */

import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { FrameReader, type FrameSink } from './frame-reader.js';
import { sharedReads } from './socket-read.js';

/** What `ws`'s server passes to `setSocket` (ws/lib/websocket-server.js). */
interface SetSocketOptions {
  allowSynchronousEvents?: boolean;
  maxPayload?: number;
  skipUTF8Validation?: boolean;
}

/** A message handler: the bytes of a text message, or a binary one. */
export type MessageHandler = (data: Buffer, isBinary: boolean) => void;

type DataListener = (this: Duplex, chunk: Buffer) => void;

/** The part of `ws`'s receiver the reader emits on: its listeners are `ws`'s own. */
interface WsReceiver {
  emit(event: 'message', data: Buffer, isBinary: boolean): boolean;
  emit(event: 'ping' | 'pong', data: Buffer): boolean;
}

/**
 * A `ws` WebSocket whose frames callstream reads itself (see the module comment); everything it
 * does not read is `ws`'s, as before. callstream's servers use it; give it to your own
 * `WebSocketServer` as its `WebSocket` class to have `acceptStream` read your sockets the same way.
 *
 * @example
 * const wss = new WebSocketServer({ noServer: true, maxPayload: 65_536, WebSocket: StreamSocket });
 * wss.on('connection', (socket, req) => handleCall(acceptStream(socket, req)));
 */
export class StreamSocket extends WebSocket {
  #reader: FrameReader | undefined;
  #onMessage: MessageHandler | undefined;

  /** @internal Called by `ws`'s server once the upgrade is complete. */
  setSocket(socket: Duplex, head: Buffer, options: SetSocketOptions): void {
    (WebSocket.prototype as unknown as { setSocket: StreamSocket['setSocket'] }).setSocket.call(
      this,
      socket,
      head,
      options,
    );
    this.#reader = this.#install(socket, options);
  }

  /**
   * Sends the messages this socket's reader reads to `handler` instead of emitting them (the
   * stream's path, without two events per frame). `data` is valid until `handler` returns (it
   * may be a view of the buffer the next read overwrites): copy what you keep. Returns false,
   * and changes nothing, where `ws` reads every frame; after a hand-off `ws` emits `message`
   * again, so the caller listens to it as well.
   */
  takeMessages(handler: MessageHandler): boolean {
    if (!this.readsFrames) return false;
    this.#onMessage = handler;
    return true;
  }

  /** True while callstream's reader reads this socket's frames (false once it handed off). */
  get readsFrames(): boolean {
    return this.#reader !== undefined && !this.#reader.handedOff;
  }

  #install(socket: Duplex, options: SetSocketOptions): FrameReader | undefined {
    const receiver = (this as unknown as { _receiver?: WsReceiver })._receiver;
    const wsListener = socket
      .listeners('data')
      .find((f): f is DataListener => (f as { name?: string }).name === 'socketOnData');
    if (
      receiver === undefined ||
      typeof receiver.emit !== 'function' ||
      wsListener === undefined ||
      options.allowSynchronousEvents === false
    ) {
      return undefined;
    }
    let givenBack = false;
    const reads = sharedReads(socket);
    // Once the socket reads into the shared buffer, what outlives the read is copied.
    const own = (data: Buffer): Buffer => (reads?.started === true ? Buffer.from(data) : data);
    const sink: FrameSink = {
      message: (data, isBinary) => {
        const handler = this.#onMessage;
        // ws converts a binary message to another binaryType: leave that to it.
        if (handler !== undefined) handler(data, isBinary);
        else if (isBinary && this.binaryType !== 'nodebuffer') return false;
        else receiver.emit('message', own(data), isBinary);
        return true;
      },
      ping: (data) => receiver.emit('ping', own(data)),
      pong: (data) => receiver.emit('pong', own(data)),
      handOff: (bytes) => {
        // The first hand-off gives the socket back to ws (a hand-off may come in two parts).
        if (!givenBack) {
          givenBack = true;
          socket.removeListener('data', ours);
          socket.on('data', wsListener);
        }
        // Reading into the shared buffer, the socket has no data events of its own until the
        // bytes go back through its Readable side; otherwise this is one of its data events.
        if (reads?.started === true) reads.giveBack(bytes);
        else wsListener.call(socket, bytes);
      },
    };
    const maxPayload = options.maxPayload ?? 0;
    const reader = new FrameReader(
      {
        maxPayload: maxPayload > 0 ? maxPayload : Infinity, // 0 is "no limit" to ws
        checkUtf8: options.skipUTF8Validation !== true,
      },
      sink,
    );
    const push = (chunk: Buffer): void => reader.push(chunk);
    // Bytes still in the socket's Readable buffer (the upgrade's head) come first, as data: the
    // shared-buffer reads start after them, on a later data event if not at once.
    const ours = (chunk: Buffer): void => {
      reader.push(chunk);
      if (!givenBack && reads !== undefined && !reads.started) reads.start(push);
    };
    socket.removeListener('data', wsListener);
    socket.on('data', ours);
    reads?.start(push);
    return reader;
  }
}

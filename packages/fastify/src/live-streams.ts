import type { IncomingMessage } from 'node:http';
import { acceptStream, type CallStream, type Logger, type StreamOptions } from '@callstream/core';
import type { WebSocket } from 'ws';

/** How long live streams get to finish their close handshake on shutdown before they are cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The plugin's registry of calls: accepts sockets, hands started streams to `onStream`, and
 * closes them all on shutdown. It does what core's `StreamHub.accept` does, with one difference
 * the hub cannot express: each call gets its own logger (the Fastify `request.log`), while the
 * hub passes one set of options, logger included, to every stream.
 */
export class LiveStreams<Request> {
  readonly #streams = new Map<string, CallStream>();
  readonly #live = new Map<CallStream, WebSocket>();
  readonly #options: StreamOptions;
  readonly #onStream: ((stream: CallStream, request: Request) => unknown) | undefined;
  #closing = false;

  constructor(
    options: StreamOptions,
    onStream: ((stream: CallStream, request: Request) => unknown) | undefined,
  ) {
    this.#options = options;
    this.#onStream = onStream;
  }

  /** Live streams that have started, by streamId. */
  get streams(): ReadonlyMap<string, CallStream> {
    return this.#streams;
  }

  /**
   * Takes an upgraded socket. Must run in the same tick as the upgrade: `acceptStream` attaches
   * the message listener, so a `start` sent right after the handshake is not missed.
   */
  accept(socket: WebSocket, raw: IncomingMessage, request: Request, logger: Logger): CallStream {
    const stream = acceptStream(socket, raw, { ...this.#options, logger });
    if (this.#closing) {
      void stream.close(1001, 'server closing');
      return stream;
    }
    this.#live.set(stream, socket);
    // A 'start' listener of the stream itself: CallStream routes what it throws, and (through
    // captureRejections) what its promise rejects with, to the stream's `error` event.
    stream.once('start', () => {
      this.#streams.set(stream.streamId, stream);
      return this.#onStream?.(stream, request);
    });
    void stream.closed.then(() => {
      this.#live.delete(stream);
      if (this.#streams.get(stream.streamId) === stream) this.#streams.delete(stream.streamId);
    });
    stream.started.catch((err: Error) =>
      logger.warn({ err: err.message }, 'stream ended before start'),
    );
    return stream;
  }

  /** Stops accepting, closes every live stream with 1001 and resolves when all are closed. */
  async close(): Promise<void> {
    this.#closing = true;
    const live = [...this.#live.keys()];
    for (const stream of live) void stream.close(1001, 'server closing');
    const all = Promise.all(live.map((s) => s.closed));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CLOSE_GRACE_MS);
    });
    if ((await Promise.race([all, grace])) === 'timeout') {
      for (const socket of this.#live.values()) socket.terminate();
      await all;
    }
    clearTimeout(timer);
  }
}

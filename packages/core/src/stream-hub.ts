import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { acceptStream } from './accept-stream.js';
import type { Logger } from './logger.js';
import { resolveSocketOptions, type SocketOptions } from './socket-options.js';
import type { CallStream } from './stream/call-stream.js';
import { kHandlerError, kTerminate } from './stream/internal.js';
import {
  resolveStreamOptions,
  type ResolvedStreamOptions,
  type StreamOptions,
} from './stream/options.js';
import {
  createPathMatcher,
  pathnameOf,
  rejectUpgrade,
  type Authenticate,
  type PathOption,
} from './upgrade.js';

/** Options shared by the standalone server and the http adapter: routing, authentication, `maxPayload`, and every stream option. */
export interface StreamServerOptions extends StreamOptions, SocketOptions {
  /** Paths that carry streams; other upgrade requests are left alone. Default: every path. */
  path?: PathOption;
  /** Runs before the 101 response; `false` → HTTP 401. Default: every request is accepted. */
  authenticate?: Authenticate;
}

/** How long live streams get to finish their close handshake on shutdown before they are cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The shared machinery behind every server: upgrade filtering and authentication, `acceptStream`,
 * the registry of live streams, the `onStream` hand-off once `start` has arrived, and shutdown.
 * Adapters that find the socket themselves (Fastify) use {@link StreamHub.accept} directly.
 */
export class StreamHub {
  readonly #streams = new Map<string, CallStream>();
  readonly #live = new Set<CallStream>();
  readonly #auth: Authenticate | undefined;
  readonly #maxPayload: number;
  /** The stream options every accepted stream gets, resolved once. */
  readonly #streamOptions: ResolvedStreamOptions;
  readonly #matches: (pathname: string) => boolean;
  readonly #onStream: (stream: CallStream, request: IncomingMessage) => unknown;
  readonly #log: Logger;
  #wss: WebSocketServer | undefined;
  #closing = false;

  constructor(
    options: StreamServerOptions,
    onStream: (stream: CallStream, request: IncomingMessage) => unknown,
  ) {
    // Validated and given their defaults once, here; maxPayload goes to the WebSocket server only.
    const { path, authenticate, maxPayload, ...streamOptions } = options;
    if (authenticate !== undefined && typeof authenticate !== 'function') {
      throw new TypeError(
        'Invalid option "authenticate": a function (request) => boolean | Promise<boolean>',
      );
    }
    this.#auth = authenticate;
    this.#maxPayload = resolveSocketOptions({ maxPayload }).maxPayload;
    this.#streamOptions = resolveStreamOptions(streamOptions);
    this.#matches = createPathMatcher(path);
    this.#onStream = onStream;
    this.#log = this.#streamOptions.logger;
  }

  /** Live streams that have started, by streamId. */
  get streams(): ReadonlyMap<string, CallStream> {
    return this.#streams;
  }

  /** True when this hub should take the upgrade request (its path matches). */
  matches(request: IncomingMessage): boolean {
    return this.#matches(pathnameOf(request));
  }

  /**
   * Handles an HTTP `upgrade` whose path matches: authenticates, completes the WebSocket
   * handshake and accepts the stream. Returns false (touching nothing) for other paths.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!this.matches(request)) return false;
    if (this.#closing) {
      rejectUpgrade(socket, 503);
      return true;
    }
    void this.#authenticate(request).then((status) => {
      if (status !== 200) {
        rejectUpgrade(socket, status);
        return;
      }
      this.#wss ??= new WebSocketServer({
        noServer: true,
        maxPayload: this.#maxPayload,
        perMessageDeflate: false,
        clientTracking: false,
      });
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
    });
    return true;
  }

  /** Runs `authenticate`: 200 to go on, 401 refused, 500 if it threw. */
  async #authenticate(request: IncomingMessage): Promise<number> {
    const authenticate = this.#auth;
    if (authenticate === undefined) return 200;
    try {
      return (await authenticate(request)) === true ? 200 : 401;
    } catch (err) {
      this.#log.error({ err }, 'authenticate threw; refusing the upgrade');
      return 500;
    }
  }

  /** Accepts an open WebSocket: tracks the stream and calls `onStream` once `start` has arrived. */
  accept(socket: WebSocket, request: IncomingMessage): CallStream {
    const stream = acceptStream(socket, request, this.#streamOptions);
    if (this.#closing) {
      void stream.close(1001, 'server closing');
      return stream;
    }
    this.#live.add(stream);
    stream.once('start', () => {
      this.#streams.set(stream.streamId, stream);
      try {
        const result = this.#onStream(stream, request);
        if (isThenable(result))
          result.then(undefined, (err: unknown) => stream[kHandlerError](err));
      } catch (err) {
        stream[kHandlerError](err);
      }
    });
    void stream.closed.then(() => {
      this.#live.delete(stream);
      if (this.#streams.get(stream.streamId) === stream) this.#streams.delete(stream.streamId);
    });
    void stream.started.catch((err: Error) =>
      this.#log.warn({ err: err.message }, 'stream ended before start'),
    );
    return stream;
  }

  /** Stops accepting, closes every live stream with 1001 and resolves when all are closed. */
  async close(): Promise<void> {
    this.#closing = true;
    const live = [...this.#live];
    for (const stream of live) void stream.close(1001, 'server closing');
    const all = Promise.all(live.map((s) => s.closed));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CLOSE_GRACE_MS);
    });
    if ((await Promise.race([all, grace])) === 'timeout') {
      for (const stream of this.#live) stream[kTerminate]();
      await all;
    }
    clearTimeout(timer);
    this.#wss?.close();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

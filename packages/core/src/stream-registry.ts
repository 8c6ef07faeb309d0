import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { acceptStream } from './accept-stream.js';
import { CallstreamError } from './errors.js';
import type { Logger } from './logger.js';
import type { CallStream } from './stream/call-stream.js';
import { kFail, kHandlerError, kTerminate, kUnhandledError } from './stream/internal.js';
import {
  resolveStreamOptions,
  type ResolvedStreamOptions,
  type StreamOptions,
} from './stream/options.js';
import { rejectUpgrade } from './upgrade.js';

/** The events of a {@link StreamRegistry} (and so of every server and adapter). */
export interface StreamRegistryEvents<Request = IncomingMessage> {
  /** A call's stream has started (its metadata is set); `request` is the upgrade request. */
  stream: [stream: CallStream, request: Request];
  /**
   * A handler or listener of a stream threw or rejected (`ERR_HANDLER`, the stream given) and that
   * stream has no `error` listener of its own; the standalone server also reports its HTTP server's
   * errors here (no stream then).
   */
  error: [error: Error, stream?: CallStream];
}

/** Counters of what happened before a stream existed, or instead of one. */
export interface ServerStats {
  /** Upgrades whose `authenticate` did not settle within `authTimeoutMs` (answered 504). */
  authTimeouts: number;
  /** Upgrades whose socket failed or closed (a reset, ...) before the WebSocket handshake completed. */
  upgradesAborted: number;
  /** Upgrades answered 503 because the server was closing (pending ones included). */
  upgradesRefusedClosing: number;
  /** Streams closed because a live stream already had their `streamId` (`ERR_DUPLICATE_STREAM_ID`). */
  duplicateStreamIds: number;
}

/** Options of a {@link StreamRegistry}: the stream options every call gets. */
export interface StreamRegistryOptions extends StreamOptions {
  /**
   * When a handler error reaches the registry and nobody listens to its `error` event, emit one
   * process warning (`CallstreamWarning`) for the first such error. Default `true`; the Fastify
   * plugin turns it off, since there each call logs through `request.log`.
   */
  warnUnhandledErrors?: boolean;
}

/** How long live streams get to finish their close handshake on shutdown before they are cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The registry of one server's calls, shared by every way of serving streams (the standalone
 * server is one, `@callstream/http`'s `attachStreamServer` returns one, and the Fastify plugin
 * decorates the app with one as `app.callstream`). It takes accepted sockets, emits `stream` once
 * a call's `start` has arrived, keeps `streams` (live, started calls by `streamId`), routes
 * handler errors, and closes everything on shutdown, pending upgrades included.
 *
 * This is the shape integrations take: `on('stream', (stream) => ...)` to see each call,
 * `streams` for the calls already live. A second live stream with a `streamId` that is already
 * in `streams` is refused (closed with 1008, `ERR_DUPLICATE_STREAM_ID`), so `streams` always
 * holds every live started call exactly once; shutdown closes every accepted socket, started or
 * not, duplicates included.
 *
 * @example
 * function countCalls(source: StreamRegistry<unknown>): () => number {
 *   let calls = 0;
 *   source.on('stream', (stream) => {
 *     calls++;
 *     stream.once('close', () => calls--);
 *   });
 *   return () => calls;
 * }
 * countCalls(createStreamServer({ port: 8080 }));
 */
export class StreamRegistry<Request = IncomingMessage> extends EventEmitter<
  StreamRegistryEvents<Request>
> {
  /** Counters of upgrades that did not become streams, and of refused duplicates. */
  readonly stats: ServerStats = {
    authTimeouts: 0,
    upgradesAborted: 0,
    upgradesRefusedClosing: 0,
    duplicateStreamIds: 0,
  };
  readonly #streams = new Map<string, CallStream>();
  readonly #live = new Set<CallStream>();
  /** Upgrades in progress (authenticating), each with what settles it on shutdown. */
  readonly #pending = new Map<Duplex, () => void>();
  readonly #options: ResolvedStreamOptions;
  readonly #log: Logger;
  readonly #warnUnhandled: boolean;
  #warned = false;
  #closing: Promise<void> | undefined;

  constructor(options: StreamRegistryOptions = {}) {
    super({ captureRejections: true });
    const { warnUnhandledErrors = true, ...streamOptions } = options;
    // Validated and given their defaults once, here (keys other than stream options are left out).
    this.#options = resolveStreamOptions(streamOptions);
    this.#log = this.#options.logger;
    this.#warnUnhandled = warnUnhandledErrors;
  }

  /** Live streams that have started, by streamId. */
  get streams(): ReadonlyMap<string, CallStream> {
    return this.#streams;
  }

  /** True once `close()` was called: new upgrades are refused (503), new sockets closed with 1001. */
  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Tracks an upgrade in progress until the returned function is called. `close()` runs `settle`
   * for each one still pending (default: answer 503 and destroy the socket), so shutdown never
   * waits on an `authenticate` that does not settle.
   */
  hold(socket: Duplex, settle?: () => void): () => void {
    this.#pending.set(socket, settle ?? (() => rejectUpgrade(socket, 503)));
    return () => void this.#pending.delete(socket);
  }

  /**
   * Accepts an open WebSocket: tracks its stream and emits `stream` once `start` has arrived.
   * Call it in the tick the upgrade completes, so a `start` sent right after is not missed.
   * `logger` is this call's logger (Fastify's `request.log`); default: the options' logger.
   */
  accept(socket: WebSocket, raw: IncomingMessage, request: Request, logger?: Logger): CallStream {
    const stream = acceptStream(
      socket,
      raw,
      logger === undefined ? this.#options : { ...this.#options, logger },
    );
    stream[kUnhandledError] = (err) => this.#unhandled(err, stream);
    if (this.closing) {
      void stream.close(1001, 'server closing');
      return stream;
    }
    this.#live.add(stream);
    this.#emitOnStart(stream, request);
    void stream.closed.then(() => {
      this.#live.delete(stream);
      if (this.#streams.get(stream.streamId) === stream) this.#streams.delete(stream.streamId);
    });
    void stream.started.catch((err: Error) =>
      (logger ?? this.#log).warn({ err: err.message }, 'stream ended before start'),
    );
    return stream;
  }

  /**
   * Stops accepting, settles pending upgrades (503), closes every live stream with 1001 and
   * resolves when all are closed (streams still open after 2 s are cut). Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    for (const settle of [...this.#pending.values()]) {
      this.stats.upgradesRefusedClosing++;
      settle();
    }
    this.#pending.clear();
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
  }

  /**
   * A 'start' listener of the stream itself: what it throws goes to the stream's error routing.
   * Its own function, so that only this listener's closure holds the request: once it has run,
   * a started call no longer keeps its upgrade request (headers and all) alive.
   */
  #emitOnStart(stream: CallStream, request: Request): void {
    stream.once('start', () => this.#started(stream, request));
  }

  #started(stream: CallStream, request: Request): void {
    const { streamId } = stream;
    if (this.#streams.has(streamId)) {
      this.stats.duplicateStreamIds++;
      stream[kFail](
        new CallstreamError(
          'ERR_DUPLICATE_STREAM_ID',
          `Another live stream has streamId ${JSON.stringify(streamId)}: the newcomer is closed`,
        ),
      );
      return;
    }
    this.#streams.set(streamId, stream);
    this.emit('stream', stream, request);
  }

  /** A handler error of `stream`, which has no `error` listener: ours, else one process warning. */
  #unhandled(err: CallstreamError, stream: CallStream): void {
    if (this.listenerCount('error') > 0) {
      try {
        this.emit('error', err, stream);
      } catch (inner) {
        stream.log.error({ err: inner }, 'an error listener threw');
      }
      return;
    }
    if (!this.#warnUnhandled || this.#warned) return;
    this.#warned = true;
    process.emitWarning(
      `${err.message} (call ${stream.callId || 'not started'}). Listen to the server's 'error' event (or the stream's) to handle handler errors; this warning is shown once.`,
      { type: 'CallstreamWarning', code: err.code },
    );
  }

  /** A `stream` listener rejected: route it to that stream (captureRejections). */
  override [EventEmitter.captureRejectionSymbol](
    err: Error,
    event: unknown,
    ...args: unknown[]
  ): void {
    if (event === 'stream') (args[0] as CallStream)[kHandlerError](err);
    else this.#log.error({ err }, `a '${String(event)}' listener rejected`);
  }
}

import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallStream } from './stream/call-stream.js';
import { kHandlerError } from './stream/internal.js';
import { StreamHub, type StreamServerOptions } from './stream-hub.js';
import { definedOnly } from './stream/options.js';
import { rejectUpgrade } from './upgrade.js';

/** Options of {@link createStreamServer}: where to listen, plus every hub and stream option. */
export interface CreateStreamServerOptions extends StreamServerOptions {
  /** TCP port; `0` picks a free one. Default `0`. */
  port?: number;
  /** Interface to bind. Default: all interfaces (Node's default). */
  host?: string;
}

export interface StreamServerEvents {
  /** A call's stream has started (its metadata is set). */
  stream: [stream: CallStream, request: IncomingMessage];
  /** The HTTP server failed (e.g. the port is taken). */
  error: [error: Error];
}

/** The defaults spread under the listening options of {@link CreateStreamServerOptions}. */
const LISTEN_DEFAULTS: { port: number; host: string | undefined } = { port: 0, host: undefined };

/** A standalone WebSocket server for media streams. Create it with {@link createStreamServer}. */
export class StreamServer extends EventEmitter<StreamServerEvents> {
  readonly #hub: StreamHub;
  readonly #http: Server;
  readonly #port: number;
  readonly #host: string | undefined;

  constructor(options: CreateStreamServerOptions = {}) {
    super({ captureRejections: true });
    const { port, host } = { ...LISTEN_DEFAULTS, ...definedOnly(options, ['port', 'host']) };
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new TypeError(
        `Invalid option "port": an integer from 0 to 65535 (got ${String(port)})`,
      );
    }
    this.#port = port;
    this.#host = host;
    this.#hub = new StreamHub(options, (stream, request) => {
      this.emit('stream', stream, request);
    });
    this.#http = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
      res.end('Upgrade Required');
    });
    this.#http.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
      if (!this.#hub.handleUpgrade(request, socket, head)) rejectUpgrade(socket, 404);
    });
    this.#http.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
  }

  /** Live streams that have started, by streamId. */
  get streams(): ReadonlyMap<string, CallStream> {
    return this.#hub.streams;
  }

  /** The underlying `node:http` server. */
  get httpServer(): Server {
    return this.#http;
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<{ port: number; host: string }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.#http.once('error', onError);
      this.#http.listen(this.#port, this.#host, () => {
        this.#http.off('error', onError);
        const address = this.#http.address() as AddressInfo;
        resolve({ port: address.port, host: address.address });
      });
    });
  }

  /** Stops accepting, closes live streams with 1001, and resolves when everything is closed. */
  async close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (!this.#http.listening) resolve();
      else this.#http.close(() => resolve());
    });
    await this.#hub.close();
    this.#http.closeAllConnections();
    await stopped;
  }

  /** A `stream` listener rejected: route it to that stream's `error` (captureRejections). */
  override [EventEmitter.captureRejectionSymbol](
    err: Error,
    _event: unknown,
    ...args: unknown[]
  ): void {
    (args[0] as CallStream | undefined)?.[kHandlerError](err);
  }
}

/**
 * Creates a standalone WebSocket server for Plivo-compatible media streams.
 *
 * @example
 * const server = createStreamServer({ port: 8080, path: '/stream' });
 * server.on('stream', async (stream) => {
 *   for await (const frame of stream) transcriber.write(frame.samples);
 * });
 * await server.listen();
 */
export function createStreamServer(options: CreateStreamServerOptions = {}): StreamServer {
  return new StreamServer(options);
}

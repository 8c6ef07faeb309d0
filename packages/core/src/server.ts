import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamRegistry, type StreamRegistryEvents } from './stream-registry.js';
import { UpgradeHandler, type StreamServerOptions } from './upgrade-handler.js';
import { definedOnly } from './stream/options.js';
import { rejectUpgrade } from './upgrade.js';

/** Options of {@link createStreamServer}: where to listen, plus every hub and stream option. */
export interface CreateStreamServerOptions extends StreamServerOptions {
  /** TCP port; `0` picks a free one. Default `0`. */
  port?: number;
  /** Interface to bind. Default: all interfaces (Node's default). */
  host?: string;
}

/**
 * The events of the standalone server: `stream` for each started call, `error` for a handler
 * error nobody handled on its stream (with that stream) and for the HTTP server's own errors
 * (the port is taken, ...; no stream then).
 */
export type StreamServerEvents = StreamRegistryEvents<IncomingMessage>;

/** The defaults spread under the listening options of {@link CreateStreamServerOptions}. */
const LISTEN_DEFAULTS: { port: number; host: string | undefined } = { port: 0, host: undefined };

/**
 * A standalone WebSocket server for media streams. Create it with {@link createStreamServer}.
 * It is the {@link StreamRegistry} of its calls: `streams`, the `stream` and `error` events.
 */
export class StreamServer extends StreamRegistry<IncomingMessage> {
  readonly #http: Server;
  readonly #port: number;
  readonly #host: string | undefined;

  constructor(options: CreateStreamServerOptions = {}) {
    const { port, host } = { ...LISTEN_DEFAULTS, ...definedOnly(options, ['port', 'host']) };
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new TypeError(
        `Invalid option "port": an integer from 0 to 65535 (got ${String(port)})`,
      );
    }
    // maxPayload belongs to the upgrade (the WebSocket server), the rest to every stream.
    const { maxPayload: _maxPayload, ...streamOptions } = options;
    super(streamOptions);
    this.#port = port;
    this.#host = host;
    const upgrades = new UpgradeHandler(this, options);
    this.#http = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
      res.end('Upgrade Required');
    });
    this.#http.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
      if (!upgrades.handle(request, socket, head)) rejectUpgrade(socket, 404);
    });
    this.#http.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
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

  /**
   * Stops accepting, answers pending upgrades with 503, closes live streams with 1001, and
   * resolves when everything is closed.
   */
  override async close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (!this.#http.listening) resolve();
      else this.#http.close(() => resolve());
    });
    await super.close();
    this.#http.closeAllConnections();
    await stopped;
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
 * server.on('error', (err, stream) => alerts.notify(err, stream?.callId));
 * await server.listen();
 */
export function createStreamServer(options: CreateStreamServerOptions = {}): StreamServer {
  return new StreamServer(options);
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CallstreamError } from './errors.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { StreamSocket } from './socket/stream-socket.js';
import { resolveSocketOptions, type SocketOptions } from './socket-options.js';
import type { StreamOptions } from './stream/options.js';
import type { StreamRegistry } from './stream-registry.js';
import {
  checkAuthTimeout,
  createPathMatcher,
  pathnameOf,
  rejectUpgrade,
  runAuthenticate,
  type Authenticate,
  type PathOption,
} from './upgrade.js';

/** Options shared by the standalone server and the http adapter: routing, authentication, `maxPayload`, and every stream option. */
export interface StreamServerOptions extends StreamOptions, SocketOptions {
  /** Paths that carry streams; other upgrade requests are left alone. Default: every path. */
  path?: PathOption;
  /** Runs before the 101 response; `false` → HTTP 401, a throw → 500. Default: every request is accepted. */
  authenticate?: Authenticate;
  /**
   * How long `authenticate` may take, in ms: past it the upgrade is answered with HTTP 504
   * (`ERR_AUTH_TIMEOUT`, counted in `stats.authTimeouts`) and the socket is closed. Default `10_000`.
   */
  authTimeoutMs?: number;
}

/**
 * The upgrade half of a server (the standalone one and `@callstream/http`): path filtering,
 * `authenticate` against its deadline, the WebSocket handshake, then {@link StreamRegistry.accept}.
 * The socket is guarded from the first moment (a reset while `authenticate` is pending is an
 * aborted upgrade, never an uncaught error), and the registry's shutdown settles pending upgrades.
 *
 * @example
 * const registry = new StreamRegistry();
 * const upgrades = new UpgradeHandler(registry, { path: '/stream', authenticate, authTimeoutMs: 5_000 });
 * httpServer.on('upgrade', (req, socket, head) => {
 *   if (!upgrades.handle(req, socket, head)) rejectUpgrade(socket, 404);
 * });
 * registry.on('stream', (stream) => bot(stream));
 */
export class UpgradeHandler {
  readonly #registry: StreamRegistry<IncomingMessage>;
  readonly #options: StreamServerOptions;
  readonly #matches: (pathname: string) => boolean;
  readonly #authTimeoutMs: number;
  readonly #maxPayload: number;
  readonly #log: Logger;
  #wss: WebSocketServer | undefined;

  constructor(registry: StreamRegistry<IncomingMessage>, options: StreamServerOptions) {
    if (options.authenticate !== undefined && typeof options.authenticate !== 'function') {
      throw new TypeError(
        'Invalid option "authenticate": a function (request) => boolean | Promise<boolean>',
      );
    }
    this.#authTimeoutMs = checkAuthTimeout(options.authTimeoutMs);
    this.#maxPayload = resolveSocketOptions({ maxPayload: options.maxPayload }).maxPayload;
    this.#registry = registry;
    this.#options = options;
    this.#matches = createPathMatcher(options.path);
    this.#log = options.logger ?? silentLogger;
  }

  /** True when this handler takes the upgrade request (its path matches). */
  matches(request: IncomingMessage): boolean {
    return this.#matches(pathnameOf(request));
  }

  /**
   * Handles an HTTP `upgrade` whose path matches: authenticates, completes the WebSocket
   * handshake and accepts the stream. Returns false (touching nothing) for other paths.
   */
  handle(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!this.matches(request)) return false;
    const registry = this.#registry;
    if (registry.closing) {
      registry.stats.upgradesRefusedClosing++;
      rejectUpgrade(socket, 503);
      return true;
    }
    // Node removed its own 'error' listener before emitting 'upgrade': until ws adds its own,
    // a reset would be an uncaught error (a crash).
    const onError = (): void => void socket.destroy();
    socket.on('error', onError);
    const { authenticate } = this.#options;
    if (authenticate === undefined) {
      this.#complete(request, socket, head, onError);
      return true;
    }
    let settle: () => void = () => {};
    const release = registry.hold(socket, () => settle());
    void runAuthenticate(authenticate, request, this.#authTimeoutMs, (s) => (settle = s)).then(
      (outcome) => {
        release();
        if (outcome.result === 'closing') return rejectUpgrade(socket, 503);
        if (socket.destroyed || !socket.writable) {
          registry.stats.upgradesAborted++;
          socket.destroy();
          return;
        }
        if (outcome.result === 'accepted') return this.#complete(request, socket, head, onError);
        if (outcome.result === 'threw') {
          this.#log.error({ err: outcome.error }, 'authenticate threw; refusing the upgrade');
          return rejectUpgrade(socket, 500);
        }
        if (outcome.result === 'timeout') {
          registry.stats.authTimeouts++;
          const err = new CallstreamError('ERR_AUTH_TIMEOUT');
          this.#log.warn({ code: err.code, timeoutMs: this.#authTimeoutMs }, err.message);
          return rejectUpgrade(socket, 504);
        }
        rejectUpgrade(socket, 401);
      },
    );
    return true;
  }

  #complete(request: IncomingMessage, socket: Duplex, head: Buffer, onError: () => void): void {
    this.#wss ??= new WebSocketServer({
      noServer: true,
      maxPayload: this.#maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
      // The stream's reader checks UTF-8 itself, on the messages that are not media in the
      // usual layout (those are proven ASCII): ws need not check every byte of every frame.
      skipUTF8Validation: true,
      // Reads the frames a stream is made of itself, and leaves the rest to ws.
      WebSocket: StreamSocket,
    });
    // ws puts its own 'error' listener on the socket first thing (and destroys a socket that is
    // no longer readable or writable), so ours can go.
    this.#wss.handleUpgrade(request, socket, head, (ws) =>
      this.#registry.accept(ws, request, request),
    );
    socket.off('error', onError);
  }
}

import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { StreamRegistry, type CallStream, type StreamServerOptions } from '@callstream/core';
import { rejectUpgrade, UpgradeHandler } from '@callstream/core/internal';

/** Options of {@link attachStreamServer}: the standalone server's options, minus listening. */
export interface AttachOptions extends StreamServerOptions {
  /**
   * Called with each call once its `start` has arrived (metadata is set), like a `stream`
   * listener. What it throws or rejects with goes to that stream's `error` event, else to the
   * returned object's `error` event; it never reaches the http server. Default: none (listen to
   * `stream`, or read the calls from `streams`).
   */
  onStream?: (stream: CallStream, request: IncomingMessage) => unknown;
}

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Marks our `upgrade` listeners, across copies of this package. */
const kListener = Symbol.for('callstream.http.upgradeListener');
/** Set on a request one of our listeners has taken, so a later one leaves it alone. */
const kClaimed = Symbol.for('callstream.http.upgradeClaimed');

type Tagged = UpgradeListener & { [kListener]?: true };
type Claimable = IncomingMessage & { [kClaimed]?: true };

/**
 * What {@link attachStreamServer} returns: the {@link StreamRegistry} of the attached calls
 * (`streams`, the `stream` and `error` events, `stats`), whose `close()` also detaches.
 *
 * @example
 * const calls = attachStreamServer(httpServer, { path: '/stream' });
 * calls.on('stream', (stream, req) => bot(stream, req.headers));
 * calls.on('error', (err, stream) => alerts.notify(err, stream?.callId));
 */
export class AttachedStreamServer extends StreamRegistry<IncomingMessage> {
  readonly #detach: () => void;
  #closed: Promise<void> | undefined;

  /** @internal Made by {@link attachStreamServer}. */
  constructor(options: AttachOptions, detach: () => void) {
    // maxPayload belongs to the upgrade (the WebSocket server), the rest to every stream.
    const { maxPayload: _maxPayload, ...streamOptions } = options;
    super(streamOptions);
    this.#detach = detach;
  }

  /**
   * Answers pending upgrades with 503, closes live streams with 1001 (their playbacks settle
   * `closed`), then stops listening to `upgrade`. The http server itself is left running: close
   * it yourself. Idempotent.
   */
  override close(): Promise<void> {
    // The listener stays until the streams are closed: meanwhile it answers new upgrades with 503.
    this.#closed ??= super.close().finally(this.#detach);
    return this.#closed;
  }
}

/**
 * Serves media streams on an existing `node:http` or `node:https` server (plain, Express, Koa,
 * ...) through its `upgrade` event. Upgrade requests whose path does not match `path` are left
 * to the server's other `upgrade` listeners, so other WebSocket servers can share the port.
 *
 * When no other `upgrade` listener could answer such a request (every listener on the server is
 * a callstream one), the last of them answers it with 404 and closes the socket; otherwise Node
 * would leave it open and unanswered. A listener of yours that shares the server must therefore
 * leave the callstream paths alone (not destroy every socket it does not serve).
 *
 * @example
 * import http from 'node:http';
 * import express from 'express';
 * import { attachStreamServer } from '@callstream/http';
 *
 * const app = express();
 * const server = http.createServer(app);
 * const streams = attachStreamServer(server, {
 *   path: '/stream',
 *   authenticate: (req) => verifyPlivoSignature(req, { authToken }),
 * });
 * streams.on('stream', async (stream) => {
 *   for await (const frame of stream.frames({ track: 'inbound' })) stt.write(frame.samples);
 * });
 * streams.on('error', (err, stream) => alerts.notify(err, stream?.callId));
 * server.listen(8080);
 * // on shutdown:
 * await streams.close();
 * server.close();
 */
export function attachStreamServer(
  server: HttpServer | HttpsServer,
  options: AttachOptions,
): AttachedStreamServer {
  if (typeof server?.on !== 'function' || typeof server.listeners !== 'function') {
    throw new TypeError('Invalid argument "server": a node:http or node:https Server');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('Invalid argument "options": an object');
  }
  const { onStream } = options;
  if (onStream !== undefined && typeof onStream !== 'function') {
    throw new TypeError('Invalid option "onStream": a function (stream, request) => unknown');
  }
  const listener: Tagged = (request: Claimable, socket, head) => {
    if (request[kClaimed] === true) return;
    if (upgrades.handle(request, socket, head)) {
      request[kClaimed] = true;
      return;
    }
    const listeners = server.listeners('upgrade') as Tagged[];
    if (listeners.at(-1) === listener && listeners.every((l) => l[kListener] === true)) {
      rejectUpgrade(socket, 404);
    }
  };
  const attached = new AttachedStreamServer(options, () => server.off('upgrade', listener));
  const upgrades = new UpgradeHandler(attached, options);
  if (onStream !== undefined) attached.on('stream', onStream);
  listener[kListener] = true;
  server.on('upgrade', listener);
  return attached;
}

import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { CallstreamError } from './errors.js';
import { CallStream } from './stream/call-stream.js';
import {
  kClosed,
  kFail,
  kFrameError,
  kReceive,
  kReceiveBinary,
  type StreamTransport,
} from './stream/internal.js';
import { resolveStreamOptions, type StreamOptions } from './stream/options.js';

const OPEN = 1;

/** ws keeps its net.Socket private; corking it merges a burst of sends into one write. */
interface WithSocket {
  _socket?: { cork(): void; uncork(): void } | null;
}

/**
 * Takes an accepted `ws` WebSocket and its upgrade request and returns the call's
 * {@link CallStream}. Messages are read from this moment on, so nothing is lost while the
 * caller's per-call setup is still awaiting something. Every server and adapter goes through it.
 * An invalid option throws a `TypeError` naming it; so does `maxPayload`, which the socket's
 * WebSocket server must have been given (the socket is already open).
 *
 * @example
 * wss.on('connection', (socket, req) => {
 *   const stream = acceptStream(socket, req, { fillGaps: true });
 *   stream.started.then(() => handleCall(stream), () => {});
 * });
 */
export function acceptStream(
  socket: WebSocket,
  request: IncomingMessage,
  options: StreamOptions = {},
): CallStream {
  const resolved = resolveStreamOptions(options); // throws a TypeError naming an invalid option
  const raw = socket as WebSocket & WithSocket;
  const transport: StreamTransport = {
    get open() {
      return socket.readyState === OPEN;
    },
    send: (text) => socket.send(text),
    cork: () => raw._socket?.cork(),
    uncork: () => raw._socket?.uncork(),
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
  };
  const stream = new CallStream(transport, resolved);
  const log = resolved.logger.child({
    remote: request.socket?.remoteAddress,
  });
  let alive = true;

  socket.on('message', (data, isBinary) => {
    alive = true;
    if (isBinary) stream[kReceiveBinary]();
    else stream[kReceive](String(data));
  });
  socket.on('pong', () => {
    alive = true;
  });
  socket.on('error', (err: Error & { code?: string }) => {
    // ws closes the socket after reporting; the stream learns of it through 'close'.
    const error =
      err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
        ? new CallstreamError('ERR_FRAME_TOO_LARGE', undefined, { cause: err })
        : new CallstreamError('ERR_SOCKET', `WebSocket error: ${err.message}`, { cause: err });
    stream[kFrameError](error);
  });
  socket.on('close', (code, reason) => {
    clearInterval(heartbeat);
    stream[kClosed](code, reason.toString());
  });

  const { heartbeatMs } = resolved;
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          if (!alive) {
            stream[kFail](new CallstreamError('ERR_HEARTBEAT_TIMEOUT'));
            socket.terminate();
            return;
          }
          alive = false;
          if (socket.readyState === OPEN) socket.ping();
        }, heartbeatMs).unref()
      : undefined;

  if (socket.readyState > OPEN) {
    clearInterval(heartbeat);
    stream[kClosed](1006, '');
  }
  log.trace({ url: request.url }, 'stream accepted');
  return stream;
}

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
  _socket?: { cork(): void; uncork(): void; end(): void } | null;
}

/**
 * ws error codes that mean "a frame announced more than we take": a message over `maxPayload`,
 * or a 64-bit length ws cannot even represent (2^53 and up).
 */
const TOO_LARGE = new Set([
  'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
]);

/**
 * Takes an accepted `ws` WebSocket and its upgrade request and returns the call's
 * {@link CallStream}. Messages are read from this moment on, so nothing is lost while the
 * caller's per-call setup is still awaiting something. Every server and adapter goes through it.
 * An invalid option throws a `TypeError` naming it; so does `maxPayload`, which the socket's
 * WebSocket server must have been given (the socket is already open).
 *
 * It also watches the socket: the heartbeat cuts a peer that answers no ping for a whole
 * `heartbeatMs` (`ERR_HEARTBEAT_TIMEOUT`), and playback pauses while more than `maxBacklogBytes`
 * wait unread in the socket; a backlog that does not drain within `backlogTimeoutMs` fails the
 * stream with `ERR_BACKLOG_TIMEOUT` and cuts the socket.
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
  const { maxBacklogBytes: maxBacklog, backlogTimeoutMs } = resolved;
  let backlogTimer: NodeJS.Timeout | undefined;

  /** Cuts the connection after a failure the peer cannot be told about (it does not read). */
  const cut = (err: CallstreamError): void => {
    stream[kFail](err);
    socket.terminate();
  };
  /**
   * True while no more than `maxBacklog` bytes wait unread. Over it, a stall starts (counted) with
   * a deadline: a backlog still over the bound when it fires means a peer that stopped reading.
   */
  const drained = (): boolean => {
    const backlog = socket.bufferedAmount;
    const stats = stream.stats;
    if (backlog > stats.backlogPeakBytes) stats.backlogPeakBytes = backlog;
    if (backlog <= maxBacklog) {
      if (backlogTimer !== undefined) clearTimeout(backlogTimer);
      backlogTimer = undefined;
      return true;
    }
    if (backlogTimer === undefined) {
      stats.backlogStalls++;
      backlogTimer = setTimeout(() => {
        backlogTimer = undefined;
        if (socket.bufferedAmount > maxBacklog) cut(new CallstreamError('ERR_BACKLOG_TIMEOUT'));
      }, backlogTimeoutMs).unref();
    }
    return false;
  };
  const transport: StreamTransport = {
    get open() {
      return socket.readyState === OPEN;
    },
    canSend: drained,
    // Every message is a text frame, also those given as their UTF-8 bytes (playAudio).
    send: (message) => socket.send(message, { binary: false }),
    cork: () => raw._socket?.cork(),
    uncork: () => {
      raw._socket?.uncork();
      // A burst that the socket could not pass on starts the watch even if no pump follows.
      drained();
    },
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
    fail: (code, reason) => {
      socket.close(code, reason);
      // As ws does for a frame it refuses: the close frame is written first, then the end.
      raw._socket?.end();
    },
  };
  const stream = new CallStream(transport, resolved);
  const log = resolved.logger.child({
    remote: request.socket?.remoteAddress,
  });
  // Liveness is a pong: a peer that keeps sending but never answers a ping is not a healthy one.
  let alive = true;

  socket.on('message', (data, isBinary) => {
    if (isBinary) stream[kReceiveBinary]();
    // A Buffer (ws's default binaryType) is read as bytes; the reader checks UTF-8 itself.
    else stream[kReceive](Buffer.isBuffer(data) ? data : String(data));
  });
  socket.on('pong', () => {
    alive = true;
  });
  socket.on('error', (err: Error & { code?: string }) => {
    // ws closes the socket after reporting; the stream learns of it through 'close'.
    const error = TOO_LARGE.has(err.code ?? '')
      ? new CallstreamError('ERR_FRAME_TOO_LARGE', undefined, { cause: err })
      : new CallstreamError('ERR_SOCKET', `WebSocket error: ${err.message}`, { cause: err });
    stream[kFrameError](error);
  });
  socket.on('close', (code, reason) => {
    clearInterval(heartbeat);
    clearTimeout(backlogTimer);
    stream[kClosed](code, reason.toString());
  });

  const { heartbeatMs } = resolved;
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          if (!alive) {
            cut(new CallstreamError('ERR_HEARTBEAT_TIMEOUT'));
            return;
          }
          alive = false;
          if (socket.readyState === OPEN) socket.ping();
        }, heartbeatMs).unref()
      : undefined;

  if (socket.readyState > OPEN) {
    clearInterval(heartbeat);
    stream[kClosed](1006, ''); // reported locally (ws does the same): 1006 is never sent
  }
  log.trace({ url: request.url }, 'stream accepted');
  return stream;
}

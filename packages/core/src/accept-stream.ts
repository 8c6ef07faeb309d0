import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { CallstreamError } from './errors.js';
import { StreamSocket } from './socket/stream-socket.js';
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
 * Adapts a `ws` WebSocket to what a stream needs of its socket. A class, not an object of
 * closures: its methods live once on the prototype instead of once per call.
 */
class WsTransport implements StreamTransport {
  /** Set right after the stream is built on this transport. */
  stream!: CallStream;
  readonly #socket: WebSocket & WithSocket;
  readonly #maxBacklog: number;
  readonly #backlogTimeoutMs: number;
  #backlogTimer: NodeJS.Timeout | undefined;

  constructor(socket: WebSocket, maxBacklog: number, backlogTimeoutMs: number) {
    this.#socket = socket;
    this.#maxBacklog = maxBacklog;
    this.#backlogTimeoutMs = backlogTimeoutMs;
  }

  get open(): boolean {
    return this.#socket.readyState === OPEN;
  }

  /**
   * True while no more than `maxBacklog` bytes wait unread. Over it, a stall starts (counted) with
   * a deadline: a backlog still over the bound when it fires means a peer that stopped reading.
   */
  canSend(): boolean {
    const backlog = this.#socket.bufferedAmount;
    const stats = this.stream.stats;
    if (backlog > stats.backlogPeakBytes) stats.backlogPeakBytes = backlog;
    if (backlog <= this.#maxBacklog) {
      this.stopBacklogWatch();
      return true;
    }
    if (this.#backlogTimer === undefined) {
      stats.backlogStalls++;
      this.#backlogTimer = setTimeout(() => {
        this.#backlogTimer = undefined;
        if (this.#socket.bufferedAmount > this.#maxBacklog) {
          this.cut(new CallstreamError('ERR_BACKLOG_TIMEOUT'));
        }
      }, this.#backlogTimeoutMs).unref();
    }
    return false;
  }

  stopBacklogWatch(): void {
    if (this.#backlogTimer !== undefined) clearTimeout(this.#backlogTimer);
    this.#backlogTimer = undefined;
  }

  /** Cuts the connection after a failure the peer cannot be told about (it does not read). */
  cut(err: CallstreamError): void {
    this.stream[kFail](err);
    this.#socket.terminate();
  }

  // Every message is a text frame, also those given as their UTF-8 bytes (playAudio).
  send(message: string | Buffer): void {
    this.#socket.send(message, { binary: false });
  }

  cork(): void {
    this.#socket._socket?.cork();
  }

  uncork(): void {
    this.#socket._socket?.uncork();
    // A burst that the socket could not pass on starts the watch even if no pump follows.
    this.canSend();
  }

  close(code: number, reason: string): void {
    this.#socket.close(code, reason);
  }

  terminate(): void {
    this.#socket.terminate();
  }

  fail(code: number, reason: string): void {
    this.#socket.close(code, reason);
    // As ws does for a frame it refuses: the close frame is written first, then the end.
    this.#socket._socket?.end();
  }
}

/**
 * Takes an accepted `ws` WebSocket and its upgrade request and returns the call's
 * {@link CallStream}. Messages are read from this moment on, so nothing is lost while the
 * caller's per-call setup is still awaiting something. Every server and adapter goes through it.
 * An invalid option throws a `TypeError` naming it; so does `maxPayload`, which the socket's
 * WebSocket server must have been given (the socket is already open).
 *
 * On the sockets of callstream's own servers (`StreamSocket`), the socket's frames go straight
 * to the stream: the socket emits no `message` event for what callstream's frame reader reads
 * (see `socket/frame-reader.ts`); on any other `ws` socket the stream listens to `message`.
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
  const transport = new WsTransport(socket, resolved.maxBacklogBytes, resolved.backlogTimeoutMs);
  const stream = new CallStream(transport, resolved);
  transport.stream = stream;
  const log = resolved.logger.child({
    remote: request.socket?.remoteAddress,
  });
  // Liveness is a pong: a peer that keeps sending but never answers a ping is not a healthy one.
  let alive = true;

  const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (isBinary) stream[kReceiveBinary]();
    // A Buffer (ws's default binaryType) is read as bytes; the reader checks UTF-8 itself.
    else stream[kReceive](Buffer.isBuffer(data) ? data : String(data));
  };
  // On callstream's own servers the frames come straight from the socket's reader; ws emits
  // 'message' for what that reader hands off to it (and on any other socket).
  socket.on('message', onMessage);
  if (socket instanceof StreamSocket) socket.takeMessages(onMessage);
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
    transport.stopBacklogWatch();
    stream[kClosed](code, reason.toString());
  });

  const { heartbeatMs } = resolved;
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          if (!alive) {
            transport.cut(new CallstreamError('ERR_HEARTBEAT_TIMEOUT'));
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

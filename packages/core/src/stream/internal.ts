import type { PlaybackSink } from './playback-queue.js';

/** What a stream needs of its socket. `acceptStream` adapts a `ws` WebSocket to it. */
export interface StreamTransport extends PlaybackSink {
  close(code: number, reason: string): void;
  /** Destroys the connection without a close handshake. */
  terminate(): void;
  /**
   * Fails the connection (RFC 6455 §7.1.7): sends a close frame with `code` and ends the
   * connection without waiting for the peer's close frame.
   */
  fail(code: number, reason: string): void;
}

/** Symbols through which `acceptStream` feeds a stream; not part of the public API. */
export const kReceive = Symbol('callstream.receive');
export const kReceiveBinary = Symbol('callstream.receiveBinary');
export const kClosed = Symbol('callstream.closed');
export const kFail = Symbol('callstream.fail');
export const kHandlerError = Symbol('callstream.handlerError');
export const kFrameError = Symbol('callstream.frameError');
export const kTerminate = Symbol('callstream.terminate');
export const kOutgoingTaps = Symbol('callstream.outgoingTaps');
/** Set by the registry that owns a stream: where a handler error goes when the stream has no `error` listener. */
export const kUnhandledError = Symbol('callstream.unhandledError');

/**
 * Test support (not built into dist): a call stream whose transport drops everything, for tests
 * that feed it platform frames and read its stats and events, and a typical media message.
 */
import { randomBytes } from 'node:crypto';
import { CallStream } from '../stream/call-stream.js';
import type { StreamTransport } from '../stream/internal.js';
import { serializeMedia } from './serialize-platform.js';

export const STREAM_ID = 'b77e037d-4119-44b5-902d-25826b654b0e';

const transport: StreamTransport = {
  open: true,
  send: () => {},
  cork: () => {},
  uncork: () => {},
  close: () => {},
  terminate: () => {},
  fail: () => {},
};

/** A stream that waits a minute for `start` and sends no heartbeats; `over` replaces transport methods. */
export function quietStream(over: Partial<StreamTransport> = {}): CallStream {
  return new CallStream({ ...transport, ...over }, { startTimeoutMs: 60_000, heartbeatMs: 0 });
}

/** The text of a media message as platforms send it: 20 ms of random mu-law, extra headers. */
export function typicalMedia(): string {
  return serializeMedia({
    sequenceNumber: 42,
    streamId: STREAM_ID,
    track: 'inbound',
    timestamp: 1_705_312_200_000,
    chunk: 41,
    payload: randomBytes(160).toString('base64'),
    extraHeaders: 'userId=12345;sessionId=abc',
  });
}

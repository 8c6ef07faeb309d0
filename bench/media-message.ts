import type { MediaFields } from '../packages/core/dist/internal.js';
import { STREAM_ID } from './pipeline-naive.js';

/**
 * The bytes of the `n`-th inbound media message of the benchmarks' stream, as a WebSocket
 * delivers them, made with `serializeMedia` (of the core being measured) around `payload`.
 */
export function mediaMessage(
  serializeMedia: (fields: MediaFields) => string,
  n: number,
  payload: string,
): Buffer {
  return Buffer.from(
    serializeMedia({
      sequenceNumber: 42 + n,
      streamId: STREAM_ID,
      track: 'inbound',
      timestamp: 1_705_312_200_000 + 20 * n,
      chunk: 41 + n,
      payload,
      extraHeaders: 'userId=12345;sessionId=abc',
    }),
  );
}

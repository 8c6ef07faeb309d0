/**
 * Feeds a speech-to-text service: the caller's audio (the inbound track) as 16 kHz mono PCM,
 * cut into fixed-size chunks, handed to a sink per call. The default sink writes
 * `<dir>/<callId>.pcm` (raw 16-bit little-endian); plug in your STT client's stream instead.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { endianness } from 'node:os';
import { join } from 'node:path';
import {
  createStreamServer,
  type CallStream,
  type CreateStreamServerOptions,
  type StreamServer,
} from '@callstream/core';

/** Where one call's audio goes: 16 kHz PCM chunks in order, then `close()` when the call ends. */
export interface TranscriptionSink {
  /** Awaited before the next chunk is read: a slow service pushes back on the feed. */
  write(chunk: Int16Array): void | Promise<void>;
  close(): void | Promise<void>;
}

/** Options of {@link start}. */
export interface TranscriptionFeedOptions extends Pick<
  CreateStreamServerOptions,
  'port' | 'host' | 'path' | 'logger' | 'bufferMs'
> {
  /** Audio per chunk handed to the sink, in ms (the last chunk may be shorter). Default `100`. */
  chunkMs?: number;
  /** The sink for one call. Default: {@link fileSink} into `dir`. */
  sink?: (stream: CallStream) => TranscriptionSink | Promise<TranscriptionSink>;
  /** Directory of the default file sink, created if missing. Default `'transcripts'`. */
  dir?: string;
  /** Called when a call's feed has ended and its sink is closed. */
  onFeedEnd?: (info: { callId: string; streamId: string; samples: number }) => void;
  /** Called when a call's feed failed. Default: logged to the stream's logger. */
  onError?: (err: unknown, stream: CallStream) => void;
}

/** The sample rate speech-to-text services commonly take. */
export const FEED_RATE = 16000;
const BIG_ENDIAN = endianness() === 'BE';

/** A sink writing raw 16-bit little-endian PCM to a file, with back-pressure. */
export function fileSink(path: string): TranscriptionSink {
  const file = createWriteStream(path);
  return {
    async write(chunk) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      // Chunks are never reused by feed(), so no copy is needed, except to fix the byte order.
      if (!file.write(BIG_ENDIAN ? Buffer.from(bytes).swap16() : bytes)) await once(file, 'drain');
    },
    async close() {
      file.end();
      await once(file, 'finish');
    },
  };
}

/** Reads the caller's audio at 16 kHz and hands it to `sink` in `chunkMs` pieces; returns the samples fed. */
export async function feed(
  stream: CallStream,
  sink: TranscriptionSink,
  chunkMs = 100,
): Promise<number> {
  const size = (FEED_RATE * chunkMs) / 1000;
  let chunk = new Int16Array(size);
  let filled = 0;
  let total = 0;
  try {
    for await (const frame of stream.frames({ track: 'inbound', sampleRate: FEED_RATE })) {
      let offset = 0;
      while (offset < frame.samples.length) {
        const n = Math.min(size - filled, frame.samples.length - offset);
        chunk.set(frame.samples.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === size) {
          await sink.write(chunk);
          total += size;
          chunk = new Int16Array(size); // the sink may keep the one it got
          filled = 0;
        }
      }
    }
    if (filled > 0) {
      await sink.write(chunk.subarray(0, filled));
      total += filled;
    }
  } finally {
    await sink.close();
  }
  return total;
}

/**
 * Starts the feed server; resolves with the listening server.
 *
 * @example
 * const server = await start({ port: 8080, sink: (stream) => myStt.open(stream.callId) });
 */
export async function start(options: TranscriptionFeedOptions = {}): Promise<StreamServer> {
  const {
    chunkMs = 100,
    sink,
    dir = 'transcripts',
    onFeedEnd,
    onError,
    ...serverOptions
  } = options;
  if (!Number.isInteger(chunkMs) || chunkMs < 20 || chunkMs % 20 !== 0) {
    throw new TypeError(`Invalid option "chunkMs": a multiple of 20 (got ${String(chunkMs)})`);
  }
  if (sink === undefined) await mkdir(dir, { recursive: true });
  const openSink = sink ?? ((stream: CallStream) => fileSink(join(dir, `${stream.callId}.pcm`)));
  const server = createStreamServer(serverOptions);
  server.on('stream', (stream) => {
    void (async () => {
      const samples = await feed(stream, await openSink(stream), chunkMs);
      onFeedEnd?.({ callId: stream.callId, streamId: stream.streamId, samples });
    })().catch((err: unknown) =>
      onError ? onError(err, stream) : stream.log.error({ err }, 'transcription feed failed'),
    );
  });
  await server.listen();
  return server;
}

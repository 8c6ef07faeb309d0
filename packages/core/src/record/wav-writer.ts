/**
 * A streaming WAV file writer: the canonical header goes first with placeholder sizes, samples
 * are appended as they come, and the sizes are patched in on close. Nothing is kept in memory
 * beyond the writes that have not reached the file yet.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { endianness } from 'node:os';
import { WAV_HEADER_BYTES, wavHeader } from './wav.js';

/** Options of {@link createWavWriter}. */
export interface WavWriterOptions {
  /** Sample rate written in the header, in Hz. Required. */
  sampleRate: number;
  /** Number of interleaved channels. Default `1`. */
  channels?: number;
}

/** A WAV file being written; see {@link createWavWriter}. */
export interface WavWriter {
  readonly path: string;
  readonly sampleRate: number;
  readonly channels: number;
  /** Sample frames (one sample per channel) accepted so far. */
  readonly frames: number;
  /** Resolves once the file is open and its placeholder header written; rejects if it cannot be. */
  readonly ready: Promise<void>;
  /**
   * Appends interleaved 16-bit samples (a whole number of frames). The samples are copied at
   * once, so the caller may reuse the array. The promise resolves when they are in the file and
   * rejects with the first I/O error; ignoring it is safe (the error is reported again by
   * `close()`).
   *
   * @throws RangeError when the length is not a multiple of `channels`, when the writer is
   *   closed, or when the data would exceed the 4 GiB a WAV header can describe.
   */
  write(samples: Int16Array): Promise<void>;
  /** Writes what is queued, patches the RIFF and data sizes, closes the file. Idempotent. */
  close(): Promise<void>;
}

/** Largest data chunk whose size the 32-bit RIFF size field can still describe. */
const MAX_DATA_BYTES = 0xffffffff - 36;
const LITTLE_ENDIAN = endianness() === 'LE';

function toLittleEndianBytes(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  } else {
    for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] as number, i * 2);
  }
  return out;
}

/**
 * Creates (or truncates) a 16-bit PCM WAV file, and the folders missing on its path, and returns
 * a writer that streams samples into it. Writes are queued in order; `close()` finalizes the header. A file that was never closed
 * still parses (readers such as `parseWav` read up to the last whole frame present).
 *
 * @example
 * const wav = createWavWriter('call.wav', { sampleRate: 8000, channels: 2 });
 * void wav.write(interleavedStereo);
 * await wav.close();
 */
export function createWavWriter(path: string, options: WavWriterOptions): WavWriter {
  const { sampleRate } = options;
  const channels = options.channels ?? 1;
  // Validates sampleRate and channels (RangeError naming the bad value) before touching the disk.
  wavHeader(0, sampleRate, channels);

  let dataBytes = 0;
  let frames = 0;
  let closing: Promise<void> | undefined;
  let failure: Error | undefined;
  let handle: FileHandle | undefined;

  const ready = (async () => {
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, 'w');
    await handle.write(wavHeader(0, sampleRate, channels), 0, WAV_HEADER_BYTES, 0);
  })();
  // Every operation runs after the previous one; `tail` never rejects so the chain survives.
  let tail: Promise<void> = ready.catch((err: Error) => {
    failure ??= err;
  });
  const enqueue = (op: (fh: FileHandle) => Promise<unknown>): Promise<void> => {
    const run = tail.then(async () => {
      if (failure !== undefined) throw failure;
      await op(handle as FileHandle);
    });
    tail = run.catch((err: Error) => {
      failure ??= err;
    });
    run.catch(() => {}); // handled here too: a caller that ignores the promise gets no unhandled rejection
    return run;
  };
  ready.catch(() => {});

  return {
    path,
    sampleRate,
    channels,
    get frames() {
      return frames;
    },
    ready,
    write(samples: Int16Array): Promise<void> {
      if (closing !== undefined) throw new RangeError(`WAV writer for ${path} is closed`);
      if (samples.length % channels !== 0) {
        throw new RangeError(
          `samples.length (${samples.length}) is not a multiple of channels (${channels})`,
        );
      }
      if (dataBytes + samples.length * 2 > MAX_DATA_BYTES) {
        throw new RangeError(
          `WAV data for ${path} would exceed the 4 GiB a WAV header can describe`,
        );
      }
      if (samples.length === 0) return enqueue(async () => {});
      const bytes = toLittleEndianBytes(samples);
      const position = WAV_HEADER_BYTES + dataBytes;
      dataBytes += bytes.length;
      frames += samples.length / channels;
      return enqueue((fh) => fh.write(bytes, 0, bytes.length, position));
    },
    close(): Promise<void> {
      closing ??= (async () => {
        // After a failed write the header keeps its placeholder sizes: the file is reported broken.
        await enqueue((fh) =>
          fh.write(wavHeader(dataBytes, sampleRate, channels), 0, WAV_HEADER_BYTES, 0),
        ).catch(() => {});
        await handle?.close().catch((err: Error) => {
          failure ??= err;
        });
        if (failure !== undefined) throw failure;
      })();
      return closing;
    },
  };
}

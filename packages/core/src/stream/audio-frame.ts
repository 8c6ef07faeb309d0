import type { Track } from '../protocol/messages.js';

/**
 * 20 ms (usually) of decoded mono audio from one track. Plain data, yours to keep: its samples
 * are never written again by callstream.
 *
 * `samples` is often a view on a larger buffer that holds other frames of the same call (never of
 * another call): take its bytes with `byteOffset` and `byteLength`, not the whole `buffer`.
 *
 * @example
 * const bytes = Buffer.from(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
 * stt.send(bytes); // exactly this frame's PCM, 16-bit little-endian on usual hosts
 */
export interface AudioFrame {
  track: Track;
  /**
   * Decoded signed 16-bit mono PCM. May be a view: use `samples.byteOffset` and
   * `samples.byteLength` (or `samples.slice()` for a copy of its own), not `samples.buffer` alone.
   */
  samples: Int16Array;
  /** Sample rate of `samples`, in Hz. */
  sampleRate: number;
  /** Milliseconds, from `media.timestamp` (epoch ms on Plivo). */
  timestamp: number;
  /** The per-track frame counter, from 1. */
  chunk: number;
  /** The message's `sequenceNumber` (`-1` for frames inserted by `fillGaps` or when absent). */
  sequenceNumber: number;
}

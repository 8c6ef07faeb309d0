import type { Track } from '../protocol/messages.js';

/** 20 ms (usually) of decoded mono audio from one track. Plain data; `samples` may be a view on a shared slab. */
export interface AudioFrame {
  track: Track;
  /** Decoded signed 16-bit mono PCM. */
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

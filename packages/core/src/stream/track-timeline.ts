import type { Track } from '../protocol/messages.js';
import type { AudioFrame } from './audio-frame.js';
import type { StreamStats } from './stats.js';

const MAX_FILL_FRAMES = 250; // at most 5 s of silence per gap: a wild chunk jump must not allocate gigabytes

/**
 * Per-track chunk bookkeeping: counts gaps and out-of-order frames, fills gaps with silence when
 * asked, and supplies `chunk`/`timestamp` when a message omits them.
 */
export class TrackTimeline {
  readonly #last: Record<Track, { chunk: number; timestamp: number } | undefined> = {
    inbound: undefined,
    outbound: undefined,
  };
  readonly #stats: StreamStats;
  readonly #fillGaps: boolean;

  constructor(stats: StreamStats, fillGaps: boolean) {
    this.#stats = stats;
    this.#fillGaps = fillGaps;
  }

  /**
   * Places a frame on its track's timeline. Returns the silence frames to deliver before it
   * (empty unless `fillGaps` is on and frames are missing).
   */
  place(
    track: Track,
    chunk: number | undefined,
    timestamp: number | undefined,
    samples: Int16Array,
    sampleRate: number,
  ): { chunk: number; timestamp: number; fill: AudioFrame[] } {
    const last = this.#last[track];
    const frameMs = (samples.length * 1000) / sampleRate;
    const c = chunk ?? (last === undefined ? 1 : last.chunk + 1);
    const t = timestamp ?? (last === undefined ? Date.now() : last.timestamp + frameMs);
    let fill: AudioFrame[] = NO_FILL;
    if (last !== undefined) {
      if (c <= last.chunk) this.#stats.outOfOrder++;
      else if (c > last.chunk + 1) {
        const missing = c - last.chunk - 1;
        this.#stats.gaps[track] += missing;
        if (this.#fillGaps)
          fill = this.#silence(track, c, t, missing, samples.length, sampleRate, frameMs);
      }
    }
    if (last === undefined || c > last.chunk) this.#last[track] = { chunk: c, timestamp: t };
    return { chunk: c, timestamp: t, fill };
  }

  #silence(
    track: Track,
    chunk: number,
    timestamp: number,
    missing: number,
    length: number,
    sampleRate: number,
    frameMs: number,
  ): AudioFrame[] {
    const n = Math.min(missing, MAX_FILL_FRAMES);
    const frames: AudioFrame[] = [];
    for (let i = n; i >= 1; i--) {
      frames.push({
        track,
        samples: new Int16Array(length),
        sampleRate,
        timestamp: timestamp - i * frameMs,
        chunk: chunk - i,
        sequenceNumber: -1,
      });
    }
    this.#stats.filledFrames += n;
    return frames;
  }
}

const NO_FILL: AudioFrame[] = [];

import type { Track } from '../protocol/messages.js';
import type { AudioFrame } from './audio-frame.js';
import type { StreamStats } from './stats.js';

/**
 * The largest gap, in chunks (1 s of 20 ms frames), that counts as lost frames (and is filled
 * with `fillGaps`). A bigger jump of `chunk`, forward or back, is not loss but a discontinuity
 * (a platform restarting its counter, or a hostile value): it is counted in `stats.resyncs`, no
 * silence is made for it, and the track's timeline goes on from the new chunk. So one wild
 * value cannot turn every later frame into "out of order".
 *
 * Filling is also budgeted: a track's gaps are filled with at most as many frames as have
 * arrived on it, plus one maximum gap. A gap over the budget is counted but not filled, so a
 * sender cannot make `fillGaps` produce more silence than the audio it sent.
 */
export const MAX_GAP_CHUNKS = 50;
const NO_FILL: readonly AudioFrame[] = [];

/**
 * Per-track chunk bookkeeping: counts gaps, out-of-order frames and resynchronisations, fills
 * gaps (up to {@link MAX_GAP_CHUNKS}) with silence when asked, and supplies `chunk`/`timestamp`
 * when a message omits them. Runs once per frame, so it keeps plain numbers and allocates
 * nothing unless it fills a gap.
 */
export class TrackTimeline {
  /** Last (highest) chunk and its timestamp per track; NaN before the first frame. */
  #inChunk = NaN;
  #inTime = NaN;
  #outChunk = NaN;
  #outTime = NaN;
  /** Silence frames each track may still be given (see {@link MAX_GAP_CHUNKS}). */
  #inBudget = MAX_GAP_CHUNKS;
  #outBudget = MAX_GAP_CHUNKS;
  /** The placed frame's chunk and timestamp, set by {@link place}. */
  chunk = 0;
  timestamp = 0;
  readonly #stats: StreamStats;
  readonly #fillGaps: boolean;

  constructor(stats: StreamStats, fillGaps: boolean) {
    this.#stats = stats;
    this.#fillGaps = fillGaps;
  }

  /**
   * Places a frame on its track's timeline: sets {@link chunk} and {@link timestamp}, and
   * returns the silence frames to deliver before it (empty unless `fillGaps` is on and frames
   * are missing).
   */
  place(
    track: Track,
    chunk: number | undefined,
    timestamp: number | undefined,
    samples: Int16Array,
    sampleRate: number,
  ): readonly AudioFrame[] {
    const inbound = track === 'inbound';
    const lastChunk = inbound ? this.#inChunk : this.#outChunk;
    const lastTime = inbound ? this.#inTime : this.#outTime;
    const first = Number.isNaN(lastChunk);
    const frameMs = (samples.length * 1000) / sampleRate;
    const c = chunk ?? (first ? 1 : lastChunk + 1);
    const t = timestamp ?? (first ? Date.now() : lastTime + frameMs);
    this.chunk = c;
    this.timestamp = t;
    let fill = NO_FILL;
    if (!first) {
      const jump = c - lastChunk;
      if (jump > MAX_GAP_CHUNKS + 1 || jump < -MAX_GAP_CHUNKS || !Number.isInteger(jump)) {
        this.#stats.resyncs++; // the timeline goes on from here
      } else if (jump <= 0) {
        this.#stats.outOfOrder++;
        return NO_FILL; // the timeline keeps its highest chunk
      } else if (jump > 1) {
        const missing = jump - 1;
        this.#stats.gaps[track] += missing;
        if (this.#fillGaps && missing <= (inbound ? this.#inBudget : this.#outBudget)) {
          fill = this.#silence(track, c, t, missing, samples.length, sampleRate, frameMs);
          if (inbound) this.#inBudget -= missing;
          else this.#outBudget -= missing;
        }
      }
    }
    if (inbound) {
      this.#inChunk = c;
      this.#inTime = t;
      this.#inBudget++;
    } else {
      this.#outChunk = c;
      this.#outTime = t;
      this.#outBudget++;
    }
    return fill;
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
    const frames: AudioFrame[] = [];
    for (let i = missing; i >= 1; i--) {
      frames.push({
        track,
        samples: new Int16Array(length),
        sampleRate,
        timestamp: timestamp - i * frameMs,
        chunk: chunk - i,
        sequenceNumber: -1,
      });
    }
    this.#stats.filledFrames += missing;
    return frames;
  }
}

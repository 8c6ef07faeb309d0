import type { Track } from '../protocol/messages.js';
import type { AudioFrame } from '../stream/audio-frame.js';

/** A jump in a track's timestamps beyond this is compressed to it (a platform clock reset, not a real gap). */
const MAX_GAP_MS = 5_000;

interface TrackState {
  /** Added to timestamp-derived positions after a timestamp jump was compressed. */
  shift: number;
  end: number | undefined;
}

/**
 * Maps track frames to sample positions on a recording: from their timestamps, relative to the
 * first frame of the call, so a missing frame leaves a gap. A few ms of timestamp jitter is
 * absorbed (consecutive frames stay contiguous) and wild jumps are compressed, so a bad clock
 * cannot make the file grow by hours of silence.
 */
export class FramePlacer {
  readonly #rate: number;
  readonly #resetSamples: number;
  #t0: number | undefined;
  readonly #tracks: Record<Track, TrackState> = {
    inbound: { shift: 0, end: undefined },
    outbound: { shift: 0, end: undefined },
  };

  /** `lookBehindMs`: a frame further back than this (and than the gap limit) means the clock was reset. */
  constructor(rate: number, lookBehindMs: number) {
    this.#rate = rate;
    this.#resetSamples = this.#samples(Math.max(MAX_GAP_MS, lookBehindMs));
  }

  #samples(ms: number): number {
    return Math.round((ms * this.#rate) / 1000);
  }

  /** The frame's position; `trackEnd` is the end of all track audio placed so far. */
  place(frame: AudioFrame, trackEnd: number): number {
    this.#t0 ??= frame.timestamp;
    const state = this.#tracks[frame.track];
    const len = frame.samples.length;
    const maxGap = this.#samples(MAX_GAP_MS);
    const pos = this.#samples(frame.timestamp - this.#t0) + state.shift;
    // The first frame of a second track is compared with where the other track is.
    const expected = state.end ?? Math.max(0, trackEnd - len);
    const d = pos - expected;
    let placed = pos;
    if (Math.abs(d) < len / 2)
      placed = expected; // timestamp jitter: stay contiguous
    else if (d > maxGap) placed = expected + maxGap;
    else if (d < -this.#resetSamples) placed = expected;
    state.shift += placed - pos;
    state.end = Math.max(state.end ?? 0, placed + len);
    return placed;
  }
}

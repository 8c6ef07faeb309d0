/**
 * The in-memory window of a stereo recording: a ring of the most recent samples of both channels,
 * plus the bot's audio still to be mixed into the right channel. Everything before the window has
 * been handed to the writer; a recording of any length costs only the window.
 */

interface BotChunk {
  pos: number;
  pcm: Int16Array;
}

/**
 * Places track samples and bot audio at absolute sample positions and emits the timeline, in
 * order, as interleaved stereo blocks (left, right). Positions nobody wrote are silence.
 */
export class StereoTimeline {
  readonly #left: Int16Array;
  readonly #right: Int16Array;
  readonly #capacity: number;
  readonly #emit: (interleaved: Int16Array) => void;
  /** Bot audio not yet emitted, mixed into the right channel (with saturation) when it is. */
  #bot: BotChunk[] = [];
  #flushed = 0;
  #trackEnd = 0;

  /** `capacity`: how many sample positions past the emitted part the ring holds. */
  constructor(capacity: number, emit: (interleaved: Int16Array) => void) {
    this.#capacity = capacity;
    this.#left = new Int16Array(capacity);
    this.#right = new Int16Array(capacity);
    this.#emit = emit;
  }

  /** Samples before this position have been emitted and can no longer change. */
  get flushed(): number {
    return this.#flushed;
  }

  /** End of the track audio placed so far. */
  get trackEnd(): number {
    return this.#trackEnd;
  }

  /** End of the bot audio placed so far (0 when none is pending). */
  get botEnd(): number {
    let end = 0;
    for (const c of this.#bot) end = Math.max(end, c.pos + c.pcm.length);
    return end;
  }

  /**
   * Writes track samples at `pos` on channel 0 (left) or 1 (right), replacing what was there. The
   * part before the emitted position is dropped; the window moves forward if `pos` is past it.
   */
  put(channel: 0 | 1, pos: number, samples: Int16Array): void {
    const end = pos + samples.length;
    if (end > this.#flushed + this.#capacity) this.flushTo(end - this.#capacity);
    const skip = Math.max(0, this.#flushed - pos);
    if (skip >= samples.length) return;
    const ring = channel === 0 ? this.#left : this.#right;
    const cap = this.#capacity;
    let idx = (pos + skip) % cap;
    for (let i = skip; i < samples.length; i++) {
      ring[idx] = samples[i] as number;
      if (++idx === cap) idx = 0;
    }
    if (end > this.#trackEnd) this.#trackEnd = end;
  }

  /** Adds bot audio at `pos`, to be mixed into the right channel; the emitted part is dropped. */
  addBot(pos: number, pcm: Int16Array): void {
    const skip = Math.max(0, this.#flushed - pos);
    if (skip >= pcm.length) return;
    this.#bot.push({ pos: pos + skip, pcm: pcm.subarray(skip) });
  }

  /** Removes the bot audio at and after `from` (it was flushed before the caller heard it). */
  truncateBot(from: number): void {
    const kept: BotChunk[] = [];
    for (const c of this.#bot) {
      if (c.pos >= from) continue;
      kept.push(
        c.pos + c.pcm.length > from ? { pos: c.pos, pcm: c.pcm.subarray(0, from - c.pos) } : c,
      );
    }
    this.#bot = kept;
  }

  /** Emits every position before `target`. */
  flushTo(target: number): void {
    const n = target - this.#flushed;
    if (n <= 0) return;
    const start = this.#flushed;
    const out = new Int16Array(2 * n);
    const cap = this.#capacity;
    const left = this.#left;
    const right = this.#right;
    let idx = start % cap;
    for (let i = 0; i < n; i++) {
      out[2 * i] = left[idx] as number;
      out[2 * i + 1] = right[idx] as number;
      left[idx] = 0;
      right[idx] = 0;
      if (++idx === cap) idx = 0;
    }
    this.#mixBot(out, start, target);
    this.#flushed = target;
    this.#emit(out);
  }

  #mixBot(out: Int16Array, start: number, end: number): void {
    const pending: BotChunk[] = [];
    for (const c of this.#bot) {
      const cEnd = c.pos + c.pcm.length;
      const from = Math.max(c.pos, start);
      const to = Math.min(cEnd, end);
      for (let p = from; p < to; p++) {
        const j = 2 * (p - start) + 1;
        const v = (out[j] as number) + (c.pcm[p - c.pos] as number);
        out[j] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
      if (cEnd > end) pending.push(to > c.pos ? { pos: to, pcm: c.pcm.subarray(to - c.pos) } : c);
    }
    this.#bot = pending;
  }
}

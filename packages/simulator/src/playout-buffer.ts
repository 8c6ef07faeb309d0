/**
 * The platform's playout model, without sockets or clocks: `playAudio` audio queues up and is
 * played 20 ms slot by 20 ms slot as the call's clock ticks; a checkpoint in the queue is reached
 * once every sample queued before it has been played; `clearAudio` drops what has not started
 * playing and voids the checkpoints still queued. Everything played lands on `heard`, the caller's
 * timeline, with silence in the slots where nothing was queued.
 */

type Entry = { pcm: Int16Array; offset: number; name?: undefined } | { name: string };
const RELEASED: Entry = { name: '' };

/** What {@link PlayoutBuffer.clear} dropped. */
export interface ClearResult {
  /** Samples that were queued and will never play. */
  droppedSamples: number;
  /** Checkpoints that were queued and will never be acknowledged. */
  voided: string[];
}

/**
 * One 20 ms slot is played per tick. The caller drives it, per tick: {@link reached} (checkpoints
 * whose audio finished with the slot that just ended), then {@link playSlot} (the next slot).
 *
 * @example
 * const playout = new PlayoutBuffer(160); // 8 kHz, 20 ms slots
 * playout.enqueue(pcm);
 * playout.checkpoint('greeting');
 * const slot = playout.playSlot(); // the first 160 samples of pcm
 * playout.reached();               // ['greeting'] once all of pcm has been played
 */
export class PlayoutBuffer {
  /** Samples per 20 ms slot at the call's sample rate. */
  readonly samplesPerSlot: number;
  #queue: Entry[] = [];
  #head = 0;
  #queuedSamples = 0;
  #pendingCheckpoints = 0;
  /** Checkpoints the playhead crossed inside the slot being played: reached when it ends. */
  #passed: string[] = [];
  #heard: Int16Array;
  #heardLength = 0;
  #playedSamples = 0;

  constructor(samplesPerSlot: number) {
    if (!Number.isInteger(samplesPerSlot) || samplesPerSlot < 1) {
      throw new RangeError(`samplesPerSlot must be a positive integer, got ${samplesPerSlot}`);
    }
    this.samplesPerSlot = samplesPerSlot;
    this.#heard = new Int16Array(samplesPerSlot * 50 * 10);
  }

  /** Queues audio (PCM at the call's rate) behind everything already queued. */
  enqueue(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.#queue.push({ pcm, offset: 0 });
    this.#queuedSamples += pcm.length;
  }

  /** Queues a checkpoint: it is reached when the audio queued before it has played. */
  checkpoint(name: string): void {
    this.#queue.push({ name });
    this.#pendingCheckpoints++;
  }

  /** Drops all queued audio and voids the queued checkpoints. The slot playing now finishes. */
  clear(): ClearResult {
    const voided: string[] = [];
    for (let i = this.#head; i < this.#queue.length; i++) {
      const entry = this.#queue[i] as Entry;
      if (entry.name !== undefined) voided.push(entry.name);
    }
    const result = { droppedSamples: this.#queuedSamples, voided };
    this.#queue = [];
    this.#head = 0;
    this.#queuedSamples = 0;
    this.#pendingCheckpoints = 0;
    return result;
  }

  /**
   * The checkpoints reached by the end of the last played slot, in queue order: those crossed
   * inside it and those now at the head of the queue (everything before them has played, or
   * nothing was queued before them).
   */
  reached(): string[] {
    const reached = this.#passed;
    this.#passed = [];
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head] as Entry;
      if (entry.name === undefined) break;
      reached.push(entry.name);
      this.#shift();
    }
    return reached;
  }

  /**
   * Plays the next 20 ms: takes up to one slot of queued audio onto the heard timeline (silence
   * for the rest) and returns that slot. The view is valid until the next call.
   */
  playSlot(): Int16Array {
    const n = this.samplesPerSlot;
    this.#grow(n);
    const start = this.#heardLength;
    const slot = this.#heard.subarray(start, start + n);
    slot.fill(0);
    let filled = 0;
    while (filled < n && this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head] as Entry;
      if (entry.name !== undefined) {
        this.#passed.push(entry.name);
        this.#shift();
        continue;
      }
      const take = Math.min(n - filled, entry.pcm.length - entry.offset);
      slot.set(entry.pcm.subarray(entry.offset, entry.offset + take), filled);
      entry.offset += take;
      filled += take;
      this.#queuedSamples -= take;
      if (entry.offset === entry.pcm.length) this.#shift();
    }
    this.#playedSamples += filled;
    this.#heardLength += n;
    return slot;
  }

  /** Samples queued and not yet played. */
  get queuedSamples(): number {
    return this.#queuedSamples;
  }

  /** Checkpoints queued or crossed and not yet returned by {@link reached}. */
  get pendingCheckpoints(): number {
    return this.#pendingCheckpoints + this.#passed.length;
  }

  /** True when nothing is queued and no checkpoint waits to be reported. */
  get idle(): boolean {
    return this.pendingCheckpoints === 0 && this.#queuedSamples === 0;
  }

  /** Samples of queued audio played so far (silence not counted). */
  get playedSamples(): number {
    return this.#playedSamples;
  }

  /** Slots played so far. */
  get slots(): number {
    return this.#heardLength / this.samplesPerSlot;
  }

  /** A copy of the caller's timeline so far: one slot per tick from the start of the call. */
  heard(): Int16Array {
    return this.#heard.slice(0, this.#heardLength);
  }

  #shift(): void {
    const entry = this.#queue[this.#head] as Entry;
    if (entry.name !== undefined) this.#pendingCheckpoints--;
    this.#queue[this.#head] = RELEASED; // let the garbage collector have the audio
    this.#head++;
    if (this.#head > 64 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #grow(extra: number): void {
    if (this.#heardLength + extra <= this.#heard.length) return;
    const next = new Int16Array(Math.max(this.#heard.length * 2, this.#heardLength + extra));
    next.set(this.#heard.subarray(0, this.#heardLength));
    this.#heard = next;
  }
}

/**
 * Hands out `Int16Array` views of consecutive regions of an `ArrayBuffer` ("slab"), so a decoded
 * frame costs a view (~40 ns) instead of its own buffer (~240 ns for 160 samples). Each stream's
 * decoder has its own: a slab only ever holds one call's audio. A region is never handed out or
 * written twice, and a full slab is dropped, never reused: users may keep frames as long as they
 * like. A kept frame keeps its whole slab alive (one second of its own call's audio at most).
 *
 * Sizes: a slab holds one second of the stream's audio (50 frames: 16 KB at 8 kHz, 48 KB at
 * 24 kHz), so the cost of a fresh `ArrayBuffer` (~1 µs, and V8's bookkeeping of each) is spread
 * over 50 frames, while a thousand calls hold a second of audio each, not more. The first slab,
 * allocated with the first frame, is a quarter of that and each next one doubles, so a short or
 * idle stream holds little. See bench/pipeline.ts.
 */

export class SampleSlab {
  #buffer = new ArrayBuffer(0);
  #bytes = Buffer.from(this.#buffer);
  #samples = new Int16Array(this.#buffer);
  #offset = 0;
  readonly #maxBytes: number;
  #nextBytes: number;

  /** `slabBytes`: the size of a full slab (a larger frame gets a slab of its own size). */
  constructor(slabBytes: number) {
    this.#maxBytes = slabBytes + (slabBytes & 1);
    this.#nextBytes = Math.max(2, Math.ceil(this.#maxBytes / 8) * 2);
  }

  /** The current slab as bytes (decode straight into `bytes[offset …]`, then {@link take}). */
  get bytes(): Buffer {
    return this.#bytes;
  }

  /** The current slab as samples (decode straight into `samples[offset / 2 …]`, then {@link take}). */
  get samples(): Int16Array {
    return this.#samples;
  }

  /** Where the next region starts in {@link bytes} (always even). */
  get offset(): number {
    return this.#offset;
  }

  /** Makes sure the next `byteLength` bytes fit in the current slab, starting a new one if not. */
  reserve(byteLength: number): void {
    if (this.#offset + byteLength <= this.#buffer.byteLength) return;
    // The old slab is dropped here, not reused: frames handed out from it may still be alive.
    this.#buffer = new ArrayBuffer(Math.max(this.#nextBytes, byteLength + (byteLength & 1)));
    this.#bytes = Buffer.from(this.#buffer);
    this.#samples = new Int16Array(this.#buffer);
    this.#offset = 0;
    this.#nextBytes = Math.min(2 * this.#nextBytes, this.#maxBytes);
  }

  /** Hands out the next `samples` samples (reserving them if needed) as a view. */
  take(samples: number): Int16Array {
    this.reserve(samples * 2);
    const view = new Int16Array(this.#buffer, this.#offset, samples);
    this.#offset += samples * 2;
    return view;
  }
}

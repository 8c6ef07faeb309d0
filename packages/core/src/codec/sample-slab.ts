/**
 * Hands out `Int16Array` views of consecutive regions of an `ArrayBuffer` ("slab"), so a decoded
 * frame costs a view (~40 ns) instead of its own buffer (~240 ns for 160 samples). Each stream's
 * decoder has its own: a slab only ever holds one call's audio. A region is never handed out or
 * written twice, and a full slab is dropped, never reused: users may keep frames as long as they
 * like. A kept frame keeps its whole slab alive (at most 64 KiB of its own call: about 4 s of
 * 8 kHz or 1.3 s of 24 kHz audio).
 *
 * The first slab is allocated with the first frame and is small (8 KiB), so a short or idle
 * stream holds little; each next one doubles, up to 64 KiB. Measured (bench/pipeline.ts): a
 * 16 KiB slab per stream cost 4-9 % more per L16 frame than one shared 64 KiB slab (V8's cost
 * per `ArrayBuffer`, not per byte); 64 KiB slabs cost the same as the shared one.
 */

/** Bytes of a stream's first slab, and of its largest; a larger frame gets a slab of its own size. */
const FIRST_SLAB_BYTES = 8 * 1024;
const MAX_SLAB_BYTES = 64 * 1024;

export class SampleSlab {
  #buffer = new ArrayBuffer(0);
  #bytes = Buffer.from(this.#buffer);
  #offset = 0;
  #nextBytes = FIRST_SLAB_BYTES;

  /** The current slab as bytes (decode straight into `bytes[offset …]`, then {@link take}). */
  get bytes(): Buffer {
    return this.#bytes;
  }

  /** Where the next region starts in {@link bytes}. */
  get offset(): number {
    return this.#offset;
  }

  /** Makes sure the next `byteLength` bytes fit in the current slab, starting a new one if not. */
  reserve(byteLength: number): void {
    if (this.#offset + byteLength <= this.#buffer.byteLength) return;
    // The old slab is dropped here, not reused: frames handed out from it may still be alive.
    this.#buffer = new ArrayBuffer(Math.max(this.#nextBytes, byteLength + (byteLength & 1)));
    this.#bytes = Buffer.from(this.#buffer);
    this.#offset = 0;
    this.#nextBytes = Math.min(2 * this.#nextBytes, MAX_SLAB_BYTES);
  }

  /** Hands out the next `samples` samples (reserving them if needed) as a view. */
  take(samples: number): Int16Array {
    this.reserve(samples * 2);
    const view = new Int16Array(this.#buffer, this.#offset, samples);
    this.#offset += samples * 2;
    return view;
  }
}

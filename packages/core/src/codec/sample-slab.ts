/**
 * Hands out `Int16Array` views of consecutive regions of an `ArrayBuffer` ("slab"), so a decoded
 * frame costs a view (~40 ns) instead of its own buffer (~240 ns for 160 samples). Each stream's
 * decoder has its own: a slab only ever holds one call's audio. A region is never handed out or
 * written twice, and a full slab is dropped, never reused: users may keep frames as long as they
 * like. A kept frame keeps its whole slab alive (16 KiB: about 1 s of 8 kHz or 0.3 s of 24 kHz
 * audio of its own call).
 *
 * 16 KiB is where the cost of a fresh slab (about 1 µs) spread over its frames stays a few
 * percent of decoding them (17 frames of L16 24 kHz, 51 of mu-law), while an idle stream holds
 * little. See bench/pipeline.ts.
 */

/** Bytes per slab; a larger frame gets a slab of its own size. */
const SLAB_BYTES = 16 * 1024;

export class SampleSlab {
  #buffer = new ArrayBuffer(SLAB_BYTES);
  #bytes = Buffer.from(this.#buffer);
  #offset = 0;

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
    this.#buffer = new ArrayBuffer(Math.max(SLAB_BYTES, byteLength + (byteLength & 1)));
    this.#bytes = Buffer.from(this.#buffer);
    this.#offset = 0;
  }

  /** Hands out the next `samples` samples (reserving them if needed) as a view. */
  take(samples: number): Int16Array {
    this.reserve(samples * 2);
    const view = new Int16Array(this.#buffer, this.#offset, samples);
    this.#offset += samples * 2;
    return view;
  }
}

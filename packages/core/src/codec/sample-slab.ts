/**
 * Hands out `Int16Array` views of consecutive regions of a shared `ArrayBuffer` ("slab"), so a
 * decoded frame costs a view (~40 ns) instead of its own buffer (~240 ns for 160 samples). A
 * region is never handed out twice: users may keep frames as long as they like. A kept frame
 * keeps its whole slab alive (64 KiB: about 4 s of 8 kHz or 1.3 s of 24 kHz audio).
 */

/** Bytes per slab; a larger frame gets a slab of its own size. */
const SLAB_BYTES = 64 * 1024;

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

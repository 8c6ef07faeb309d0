/** The audio one slab holds: four 20 ms frames. */
export const SLAB_MS = 80;

/**
 * Hands out `Int16Array` views of consecutive regions of an `ArrayBuffer` ("slab"), so a decoded
 * frame costs a view (~40 ns) instead of its own buffer (~240 ns for 160 samples). Each stream's
 * decoder has its own: a slab only ever holds one call's audio. A region is never handed out or
 * written twice, and a full slab is dropped, never reused: users may keep frames as long as they
 * like. A kept frame keeps its whole slab alive (80 ms of its own call's audio at most).
 *
 * Size: a slab holds {@link SLAB_MS} of the stream's audio (4 frames: 1,280 bytes at 8 kHz,
 * 3,840 at 24 kHz), allocated when the first frame needs it, so an idle stream holds none. Short-lived
 * slabs die in V8's young generation like the frames cut from them. Slabs of a second (tried
 * first) lived long enough to be promoted, so every second V8 ran a full GC for the audio freed
 * in its old space: at 1000 calls that held 180 MB of RSS against 115 MB, and delayed a frame's
 * delivery by 29-31 ms at p99 against 6-7 ms, for the same CPU (see bench/README.md).
 */
export class SampleSlab {
  #buffer = new ArrayBuffer(0);
  // Views of the whole slab, made when first asked for: a decoder writes through one of them only.
  #bytes: Buffer | undefined;
  #samples: Int16Array | undefined;
  #offset = 0;
  readonly #slabBytes: number;

  /** Slabs of {@link SLAB_MS} of 16-bit samples at `sampleRate` (a larger frame gets one of its size). */
  constructor(sampleRate: number) {
    this.#slabBytes = Math.max(2, 2 * Math.ceil((sampleRate * SLAB_MS) / 1000));
  }

  /** The current slab as bytes (decode straight into `bytes[offset …]`, then {@link take}). */
  get bytes(): Buffer {
    return (this.#bytes ??= Buffer.from(this.#buffer));
  }

  /** The current slab as samples (decode straight into `samples[offset / 2 …]`, then {@link take}). */
  get samples(): Int16Array {
    return (this.#samples ??= new Int16Array(this.#buffer));
  }

  /** Where the next region starts in {@link bytes} (always even). */
  get offset(): number {
    return this.#offset;
  }

  /** Makes sure the next `byteLength` bytes fit in the current slab, starting a new one if not. */
  reserve(byteLength: number): void {
    if (this.#offset + byteLength <= this.#buffer.byteLength) return;
    // The old slab is dropped here, not reused: frames handed out from it may still be alive.
    this.#buffer = new ArrayBuffer(Math.max(this.#slabBytes, byteLength + (byteLength & 1)));
    this.#bytes = this.#samples = undefined;
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

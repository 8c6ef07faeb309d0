/**
 * A growable scratch buffer reused from call to call, so per-frame codec work allocates nothing
 * once the buffer has reached the largest frame size seen.
 */
export interface ByteScratch {
  /** The bytes; owns its whole `ArrayBuffer` from offset 0. Replaced (not resized) on growth. */
  buffer: Buffer;
  /** An `Int16Array` over the same memory as `buffer`, for copying PCM without a new view. */
  int16: Int16Array;
}

/**
 * Creates a {@link ByteScratch} of at least `capacity` bytes.
 *
 * @example
 * const scratch = createByteScratch();
 * const n = decodeBase64Into(payload, scratch); // bytes in scratch.buffer[0 … n)
 */
export function createByteScratch(capacity = 4096): ByteScratch {
  // allocUnsafeSlow: not from Node's shared pool, so the offset is 0 and Int16 views are aligned.
  const buffer = Buffer.allocUnsafeSlow(capacity + (capacity & 1));
  return { buffer, int16: new Int16Array(buffer.buffer, 0, buffer.length >> 1) };
}

/** Makes `scratch` hold at least `capacity` bytes (at least doubling, so growth is rare). */
export function ensureCapacity(scratch: ByteScratch, capacity: number): void {
  if (scratch.buffer.length >= capacity) return;
  const next = createByteScratch(Math.max(capacity, scratch.buffer.length * 2));
  scratch.buffer = next.buffer;
  scratch.int16 = next.int16;
}

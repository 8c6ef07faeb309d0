/**
 * The edge's side of a streaming `playAudio` from a worker: an async iterable that the local
 * playback reads, fed by the chunks arriving over NATS. Each chunk read is acknowledged to the
 * worker (`onRead`), which keeps at most a window of unacknowledged chunks in flight, so the edge
 * holds a bounded amount of a playback that it has not read yet.
 */
export class ChunkSource implements AsyncIterable<Int16Array | Uint8Array> {
  readonly #chunks: (Int16Array | Uint8Array)[] = [];
  readonly #onRead: () => void;
  readonly #limit: number;
  #waiter: ((r: IteratorResult<Int16Array | Uint8Array>) => void) | undefined;
  #ended = false;
  /** Chunks dropped because the worker sent past its window. */
  overflow = 0;

  constructor(limit: number, onRead: () => void) {
    this.#limit = limit;
    this.#onRead = onRead;
  }

  push(bytes: Int16Array | Uint8Array): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      this.#onRead();
      waiter({ value: bytes, done: false });
      return;
    }
    if (this.#chunks.length >= this.#limit) {
      this.overflow++;
      return;
    }
    this.#chunks.push(bytes);
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Int16Array | Uint8Array> {
    return {
      next: () => {
        const chunk = this.#chunks.shift();
        if (chunk !== undefined) {
          this.#onRead();
          return Promise.resolve({ value: chunk, done: false });
        }
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiter = resolve));
      },
      return: () => {
        this.#chunks.length = 0;
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

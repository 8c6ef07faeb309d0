/**
 * A bounded FIFO with one async reader, as behind `events.on`: `push` never blocks; when the
 * queue is full the oldest item is dropped (and `onDrop` counts it), so a slow consumer loses
 * old audio rather than growing memory without bound. The ring starts empty and grows (doubling,
 * up to the bound) only when items pile up, so an idle stream or a reader that keeps up holds a
 * few slots, not the whole bound.
 */
export class FrameQueue<T> {
  #items: (T | undefined)[] = [];
  #capacity: number;
  #head = 0;
  #size = 0;
  // The pending next()'s promise, settled by push/end: kept as two fields (no object per wait).
  #resolve: ((r: IteratorResult<T>) => void) | undefined;
  #reject: ((e: unknown) => void) | undefined;
  readonly #wait = (
    resolve: (r: IteratorResult<T>) => void,
    reject: (e: unknown) => void,
  ): void => {
    this.#resolve = resolve;
    this.#reject = reject;
  };
  #ended = false;
  #failure: unknown;
  readonly #onDrop: () => void;

  constructor(capacity: number, onDrop: () => void) {
    this.#capacity = Math.max(1, capacity);
    this.#onDrop = onDrop;
  }

  get size(): number {
    return this.#size;
  }

  /** Changes the bound, keeping the newest items (dropping and counting the oldest if it shrinks). */
  setCapacity(capacity: number): void {
    const cap = Math.max(1, capacity);
    if (cap === this.#capacity) return;
    this.#capacity = cap;
    const drop = Math.max(0, this.#size - cap);
    for (let i = 0; i < drop; i++) this.#onDrop();
    this.#resize(Math.min(cap, this.#items.length), drop);
  }

  /** Moves the items, minus the `drop` oldest, into a new ring of `length` slots. */
  #resize(length: number, drop: number): void {
    const old = this.#items;
    const items = new Array<T | undefined>(length);
    for (let i = drop; i < this.#size; i++) items[i - drop] = old[(this.#head + i) % old.length];
    this.#items = items;
    this.#head = 0;
    this.#size -= drop;
  }

  push(item: T): void {
    if (this.#ended) return;
    const resolve = this.#resolve;
    if (resolve !== undefined) {
      this.#resolve = this.#reject = undefined;
      resolve({ value: item, done: false });
      return;
    }
    if (this.#size === this.#items.length) {
      if (this.#size < this.#capacity) {
        this.#resize(Math.min(this.#capacity, Math.max(4, this.#size * 2)), 0);
      } else {
        this.#head = (this.#head + 1) % this.#size;
        this.#size--;
        this.#onDrop();
      }
    }
    const cap = this.#items.length;
    this.#items[(this.#head + this.#size) % cap] = item;
    this.#size++;
  }

  /** No more items: the reader gets what is buffered, then `done` (or `failure`, thrown). */
  end(failure?: unknown): void {
    this.#end(failure);
  }

  /** Drops everything buffered and ends the queue at once (the reader broke out or aborted). */
  close(failure?: unknown): void {
    this.#items.fill(undefined);
    this.#size = 0;
    this.#end(failure); // not end(): a subclass may extend it
  }

  #end(failure: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = failure;
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    this.#resolve = this.#reject = undefined;
    if (failure === undefined) resolve({ value: undefined, done: true });
    else reject(failure);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#size > 0) {
      const item = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#items.length;
      this.#size--;
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#ended) {
      if (this.#failure !== undefined) {
        const failure = this.#failure;
        this.#failure = undefined; // throw once, then report done like a finished iterator
        return Promise.reject(failure);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.#resolve !== undefined) {
      return Promise.reject(new Error('FrameQueue supports one pending next() at a time'));
    }
    return new Promise(this.#wait);
  }
}

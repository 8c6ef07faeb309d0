/**
 * The echo bot's reply stream: an async iterable the bot pushes PCM into as frames arrive and
 * `playAudio` reads from, as a bot streaming a reply from TTS would hand it over.
 */
export class ReplyQueue implements AsyncIterable<Int16Array> {
  readonly #queued: Int16Array[] = [];
  #waiting: ((result: IteratorResult<Int16Array>) => void) | undefined;
  #ended = false;

  push(pcm: Int16Array): void {
    const waiting = this.#waiting;
    if (waiting === undefined) this.#queued.push(pcm);
    else {
      this.#waiting = undefined;
      waiting({ value: pcm, done: false });
    }
  }

  end(): void {
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Int16Array> {
    return {
      next: () => {
        const pcm = this.#queued.shift();
        if (pcm !== undefined) return Promise.resolve({ value: pcm, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiting = resolve));
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

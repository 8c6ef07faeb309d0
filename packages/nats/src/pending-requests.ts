import type { WorkerCommand } from './wire.js';

interface Pending {
  resolve: (value: unknown) => void;
  /** The value a request settles with when the call ends first. */
  onClose: unknown;
}

/**
 * The requests a remote call has sent to its edge and not yet had a reply to, and the ids of
 * the call's requests and playbacks (one sequence, so no two of them share an id).
 */
export class PendingRequests {
  readonly #send: (cmd: WorkerCommand) => void;
  readonly #pending = new Map<number, Pending>();
  #lastId = 0;

  constructor(send: (cmd: WorkerCommand) => void) {
    this.#send = send;
  }

  /** The next id of the call's sequence. */
  nextId(): number {
    return ++this.#lastId;
  }

  /** Sends the command made for a fresh id; resolves with the reply's value, or `onClose`. */
  request(cmd: (req: number) => WorkerCommand, onClose: unknown): Promise<unknown> {
    const req = this.nextId();
    return new Promise((resolve) => {
      this.#pending.set(req, { resolve, onClose });
      this.#send(cmd(req));
    });
  }

  /** The reply to `req` arrived (an unknown or repeated one is ignored). */
  settle(req: number, value: unknown): void {
    const pending = this.#pending.get(req);
    this.#pending.delete(req);
    pending?.resolve(value);
  }

  /** The call is over: every request still waiting settles with its `onClose` value. */
  closeAll(): void {
    for (const pending of this.#pending.values()) pending.resolve(pending.onClose);
    this.#pending.clear();
  }
}

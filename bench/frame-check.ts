/**
 * The server side's frame accounting, the same for every variant: per call, chunks must arrive
 * consecutive from 1 (a skip is a lost frame, a step back a reordered one); per frame, in the
 * measurement window, how long after its timestamp it was handled.
 */
import { MsHistogram } from './histogram.js';
import { LATE_MS, type ServerTotals } from './ipc.js';

export class FrameCheck {
  readonly lateness = new MsHistogram();
  calls = 0;
  frames = 0;
  /** Audio samples decoded (160 per mu-law 8 kHz frame): proof the decode was not skipped. */
  samples = 0;
  gaps = 0;
  reordered = 0;
  errors = 0;
  playbacks = 0;
  windowFrames = 0;
  measuring = false;

  /** Starts the accounting for one more call. */
  call(): CallFrames {
    this.calls++;
    return new CallFrames(this);
  }

  startWindow(): void {
    this.lateness.reset();
    this.windowFrames = 0;
    this.measuring = true;
  }

  endWindow(): { frames: number; lateFrames: number; lateP99Ms: number; lateMaxMs: number } {
    this.measuring = false;
    return {
      frames: this.windowFrames,
      lateFrames: this.lateness.countAtLeast(LATE_MS),
      lateP99Ms: this.lateness.percentile(99),
      lateMaxMs: this.lateness.max,
    };
  }

  totals(openCalls: number): ServerTotals {
    const { calls, frames, samples, gaps, reordered, errors, playbacks } = this;
    return { calls, frames, samples, gaps, reordered, errors, playbacks, openCalls };
  }
}

export class CallFrames {
  readonly #check: FrameCheck;
  #next = 1;

  constructor(check: FrameCheck) {
    this.#check = check;
  }

  /** One media frame: its chunk counter, epoch-ms timestamp and decoded length. */
  frame(chunk: number, timestamp: number, samples: number): void {
    const check = this.#check;
    check.frames++;
    check.samples += samples;
    if (chunk === this.#next) this.#next++;
    else if (chunk > this.#next) {
      check.gaps++;
      this.#next = chunk + 1;
    } else check.reordered++;
    if (check.measuring) {
      check.windowFrames++;
      check.lateness.record(Date.now() - timestamp);
    }
  }
}

import { createResampler, type Resampler } from '../codec/resampler.js';
import type { StereoTimeline } from './stereo-timeline.js';

/** The precision of the anchor: one platform frame. */
const FRAME_MS = 20;

/** A contiguous stretch of bot audio, resampled as one signal. */
interface Run {
  /** Recording position of the next output sample. */
  pos: number;
  rate: number;
  /** `performance.now()` at which the next contiguous chunk would start playing. */
  nextAt: number;
  resampler: Resampler | undefined;
}

/** Audio sent before the timeline was anchored (the bot greets before the first frame). */
interface EarlyAudio {
  pcm: Int16Array;
  rate: number;
  playAt: number;
}

/**
 * Places the audio the bot sends onto a recording's timeline, at the time the platform plays
 * it: `anchor` is the `performance.now()` time of recording position 0. Contiguous chunks are
 * resampled to the recording rate as one stream; audio flushed by a clear is removed.
 */
export class BotTrack {
  #timeline: StereoTimeline | undefined;
  #rate = 0;
  #anchor: number | undefined;
  #early: EarlyAudio[] = [];
  #run: Run | undefined;

  /**
   * Gives it the timeline, once the call's rate is known. Audio can come earlier (what was queued
   * before `start` is sent as the stream starts): it waits for the anchor in any case.
   */
  attach(timeline: StereoTimeline, rate: number): void {
    this.#timeline = timeline;
    this.#rate = rate;
  }

  get anchor(): number | undefined {
    return this.#anchor;
  }

  /** Sets (or improves) the anchor; audio kept until the first one is placed then. Needs the timeline. */
  setAnchor(anchor: number): void {
    this.#anchor = anchor;
    const early = this.#early;
    this.#early = [];
    for (const a of early) this.#place(a.pcm, a.rate, a.playAt);
  }

  /** Without any frame to anchor on, the first bot audio starts the recording. */
  anchorOnFirstAudio(): void {
    if (this.#anchor === undefined && this.#early.length > 0) {
      this.setAnchor(Math.min(...this.#early.map((a) => a.playAt)));
    }
  }

  /** A chunk the platform starts playing at `playAt` (`performance.now()` time). */
  audio(pcm: Int16Array, rate: number, playAt: number): void {
    if (this.#anchor === undefined) this.#early.push({ pcm: pcm.slice(), rate, playAt });
    else this.#place(pcm, rate, playAt);
  }

  /** Everything from `at` on was flushed (or never played): remove it. */
  cut(at: number): void {
    const anchor = this.#anchor;
    if (anchor === undefined) {
      const kept: EarlyAudio[] = [];
      for (const a of this.#early) {
        const keep = Math.floor(((at - a.playAt) * a.rate) / 1000);
        if (keep > 0) kept.push(keep < a.pcm.length ? { ...a, pcm: a.pcm.subarray(0, keep) } : a);
      }
      this.#early = kept;
      return;
    }
    this.#endRun();
    this.#timeline?.truncateBot(Math.round(((at - anchor) * this.#rate) / 1000));
  }

  #place(pcm: Int16Array, rate: number, playAt: number): void {
    const anchor = this.#anchor as number;
    let run = this.#run;
    if (run === undefined || run.rate !== rate || Math.abs(playAt - run.nextAt) > 0.5) {
      this.#endRun();
      let pos = Math.round(((playAt - anchor) * this.#rate) / 1000);
      // Audio that starts with the call (a greeting) may map a few ms before the first frame,
      // within the anchor's precision: start it with the recording instead of cutting its onset.
      if (pos < 0 && pos > -FRAME_MS * (this.#rate / 1000)) pos = 0;
      run = {
        pos,
        rate,
        nextAt: playAt,
        resampler: rate === this.#rate ? undefined : createResampler(rate, this.#rate),
      };
      this.#run = run;
    }
    const out = run.resampler === undefined ? pcm.slice() : run.resampler.process(pcm);
    this.#timeline?.addBot(run.pos, out);
    run.pos += out.length;
    run.nextAt = playAt + (pcm.length * 1000) / rate;
  }

  /** Ends a contiguous stretch: the resampler's held-back tail is placed. */
  #endRun(): void {
    const run = this.#run;
    this.#run = undefined;
    if (run?.resampler !== undefined) this.#timeline?.addBot(run.pos, run.resampler.flush());
  }
}

/**
 * An energy-based voice activity detector: enough to find turns on a phone line without a model.
 * Each 20 ms frame is voiced when its RMS level reaches a threshold; speech starts after a few
 * voiced frames in a row (a click is not speech) and a turn ends after a stretch of silence
 * (the hangover), so the short pauses inside a sentence do not end it.
 */

/** Options of {@link EnergyVad}. */
export interface VadOptions {
  /** A frame is voiced when its RMS level is at least this, in dBFS. Default `-45`. */
  thresholdDb?: number;
  /** Voiced audio in a row, in ms, that starts speech. Default `60`. */
  startMs?: number;
  /** Silence in a row, in ms, that ends the turn. Default `700`. */
  hangoverMs?: number;
}

/** What a frame changed: speech started, the turn ended, or nothing. */
export type VadEvent = 'speech-start' | 'turn-end' | undefined;

/** RMS level of 16-bit samples in dBFS (0 = a full-scale square wave); `-Infinity` for digital silence. */
export function levelDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as number;
    sum += s * s;
  }
  return 20 * Math.log10(Math.sqrt(sum / samples.length) / 32768);
}

/**
 * Feed it the caller's frames in order; it reports where speech starts and where a turn ends.
 *
 * @example
 * const vad = new EnergyVad();
 * for await (const frame of stream.frames({ track: 'inbound' })) {
 *   if (vad.push(frame.samples, frame.sampleRate) === 'turn-end') answer();
 * }
 */
export class EnergyVad {
  readonly thresholdDb: number;
  readonly startMs: number;
  readonly hangoverMs: number;
  #speaking = false;
  /** Voiced ms in a row (while silent) or unvoiced ms in a row (while speaking). */
  #runMs = 0;

  constructor(options: VadOptions = {}) {
    this.thresholdDb = options.thresholdDb ?? -45;
    this.startMs = options.startMs ?? 60;
    this.hangoverMs = options.hangoverMs ?? 700;
    for (const [name, value] of Object.entries({
      startMs: this.startMs,
      hangoverMs: this.hangoverMs,
    })) {
      if (!(Number.isFinite(value) && value > 0)) {
        throw new TypeError(
          `Invalid option "${name}": a positive number of ms (got ${String(value)})`,
        );
      }
    }
    if (!Number.isFinite(this.thresholdDb)) {
      throw new TypeError(
        `Invalid option "thresholdDb": a finite dBFS level (got ${String(this.thresholdDb)})`,
      );
    }
  }

  /** True between `speech-start` and `turn-end`. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Takes the next frame of audio; returns the event it caused, if any. */
  push(samples: Int16Array, sampleRate: number): VadEvent {
    const ms = (samples.length * 1000) / sampleRate;
    const voiced = levelDbfs(samples) >= this.thresholdDb;
    if (!this.#speaking) {
      this.#runMs = voiced ? this.#runMs + ms : 0;
      if (this.#runMs < this.startMs) return undefined;
      this.#speaking = true;
      this.#runMs = 0;
      return 'speech-start';
    }
    this.#runMs = voiced ? 0 : this.#runMs + ms;
    if (this.#runMs < this.hangoverMs) return undefined;
    this.#speaking = false;
    this.#runMs = 0;
    return 'turn-end';
  }

  /** Forgets the current state (e.g. after the bot has cut the caller off). */
  reset(): void {
    this.#speaking = false;
    this.#runMs = 0;
  }
}

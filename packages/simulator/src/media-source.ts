/**
 * The caller's side of the call: audio from a WAV file or from samples, mixed to mono, brought to
 * the call's sample rate, and cut into the 20 ms frames the platform sends.
 */
import { RESAMPLER_RATES, readWavFile, resample, toMono } from '@callstream/core';

/** The caller's audio: a WAV file path, or mono 16-bit samples at a sample rate. */
export type CallerAudio = string | { samples: Int16Array; sampleRate: number };

/**
 * Loads the caller's audio as mono PCM at `rate`. WAV files of any channel count are mixed down;
 * any sample rate is accepted: core's resampler converts between 8, 16, 24 and 48 kHz, and other
 * rates (44.1 kHz, 11.025 kHz, ...) are first brought to 48 kHz by linear interpolation.
 */
export async function loadCallerAudio(audio: CallerAudio, rate: number): Promise<Int16Array> {
  if (typeof audio === 'string') {
    const wav = await readWavFile(audio);
    return toRate(toMono(wav.samples, wav.channels), wav.sampleRate, rate);
  }
  return toRate(audio.samples, audio.sampleRate, rate);
}

function toRate(pcm: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return pcm;
  if (RESAMPLER_RATES.includes(from)) return resample(pcm, from, to);
  return resample(interpolateTo48k(pcm, from), 48000, to);
}

/** Linear interpolation to 48 kHz: good enough for a caller's voice headed for 8-24 kHz. */
function interpolateTo48k(pcm: Int16Array, from: number): Int16Array {
  const length = Math.round((pcm.length * 48000) / from);
  const out = new Int16Array(length);
  const step = from / 48000;
  const last = pcm.length - 1;
  for (let i = 0; i < length; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = pcm[Math.min(j, last)] as number;
    const b = pcm[Math.min(j + 1, last)] as number;
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return out;
}

/**
 * Cuts mono PCM at the call's rate into 20 ms frames: frame `chunk` (from 1) holds samples
 * `[(chunk - 1) · n, chunk · n)`; the last frame is padded with silence, and every frame past the
 * end of the audio is silence.
 */
export class CallerFrames {
  readonly samplesPerFrame: number;
  /** Frames holding audio: ceil(samples / samplesPerFrame). */
  readonly frameCount: number;
  readonly #pcm: Int16Array;
  readonly #frame: Int16Array;

  constructor(pcm: Int16Array, samplesPerFrame: number) {
    this.#pcm = pcm;
    this.samplesPerFrame = samplesPerFrame;
    this.frameCount = Math.ceil(pcm.length / samplesPerFrame);
    this.#frame = new Int16Array(samplesPerFrame);
  }

  /** The samples of frame `chunk` (from 1); valid until the next call. */
  frame(chunk: number): Int16Array {
    const n = this.samplesPerFrame;
    const start = (chunk - 1) * n;
    if (start + n <= this.#pcm.length) return this.#pcm.subarray(start, start + n);
    this.#frame.fill(0);
    if (start < this.#pcm.length) this.#frame.set(this.#pcm.subarray(start));
    return this.#frame;
  }
}

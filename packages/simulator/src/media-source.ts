/**
 * The caller's side of the call: audio from a WAV file or from samples, mixed to mono, brought to
 * the call's sample rate, and cut into the 20 ms frames the platform sends.
 */
import { readWavFile, toMono } from '@callstream/core';
import { resample } from '@callstream/core/internal';

/** The caller's audio: a WAV file path, or mono 16-bit samples at a sample rate. */
export type CallerAudio = string | { samples: Int16Array; sampleRate: number };

/**
 * Loads the caller's audio as mono PCM at `rate`. WAV files of any channel count are mixed down,
 * and audio at any whole rate from 8 to 192 kHz (44.1, 22.05, 11.025 kHz, ...) is converted
 * straight to `rate` by core's anti-aliased resampler: `round(length · rate / sampleRate)`
 * samples, in time with the original.
 *
 * @throws CallstreamError `ERR_UNSUPPORTED_FORMAT` for a sample rate outside 8000-192000 Hz.
 */
export async function loadCallerAudio(audio: CallerAudio, rate: number): Promise<Int16Array> {
  if (typeof audio === 'string') {
    const wav = await readWavFile(audio);
    return toRate(toMono(wav.samples, wav.channels), wav.sampleRate, rate);
  }
  return toRate(audio.samples, audio.sampleRate, rate);
}

function toRate(pcm: Int16Array, from: number, to: number): Int16Array {
  return from === to ? pcm : resample(pcm, from, to);
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

  /** The first `length` samples of the caller's audio, padded with silence past its end. */
  timeline(length: number): Int16Array {
    const out = new Int16Array(length);
    out.set(this.#pcm.subarray(0, length));
    return out;
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

import { decodeMulaw } from '../codec/mulaw.js';
import { decodeL16 } from '../codec/l16.js';
import { createResampler, type Resampler } from '../codec/resampler.js';
import { CallstreamError } from '../errors.js';

/** Audio `playAudio` accepts: PCM or wire bytes, whole or as an async iterable (streaming TTS). */
export type PlayableAudio = Int16Array | Uint8Array | AsyncIterable<Int16Array | Uint8Array>;

/** Options of {@link CallStream.playAudio}; an invalid one throws `ERR_INVALID_AUDIO` at call time. */
export interface PlayAudioOptions {
  /** Rate of the audio passed in, a whole number of Hz from 8000 to 192000. Default: 8000 for mu-law bytes, else the stream's rate. */
  sampleRate?: number;
  /** How `Uint8Array` input is encoded: `'pcm'` (16-bit little-endian, the default), `'audio/x-l16'` (the same) or `'audio/x-mulaw'`. `Int16Array` input is always PCM. */
  encoding?: 'pcm' | 'audio/x-mulaw' | 'audio/x-l16';
  /** An `AbortSignal`: aborting cancels the playback, as `cancel()` does. Default: none. */
  signal?: AbortSignal;
  /** The checkpoint name that confirms this playback (a non-empty string). Default: a generated unique name (`cs-play-<n>`). */
  name?: string;
}

/** How a playback ended, and how much of it the caller heard (estimated when it did not finish). */
export interface PlaybackResult {
  status: 'played' | 'interrupted' | 'closed';
  playedMs: number;
}

/** A queued playback: await it for its {@link PlaybackResult}; it never rejects. */
export interface Playback extends PromiseLike<PlaybackResult> {
  /** The checkpoint that confirms it. */
  readonly name: string;
  /** Stops it: drops what is queued locally and, if any of it was sent, clears the platform's buffer. */
  cancel(): Promise<void>;
}

/**
 * Turns playAudio input chunks into PCM at the output rate: decodes wire bytes, keeps an odd
 * trailing byte of 16-bit input for the next chunk, and resamples with state across chunks.
 */
export class PcmConverter {
  readonly #encoding: 'pcm' | 'audio/x-mulaw';
  readonly #resampler: Resampler | undefined;
  #carry: number = -1;

  /** `options` have been checked by `checkPlayAudioArgs`. */
  constructor(options: PlayAudioOptions, streamRate: number, outputRate: number) {
    const encoding = options.encoding ?? 'pcm';
    this.#encoding = encoding === 'audio/x-mulaw' ? encoding : 'pcm';
    const inRate = options.sampleRate ?? (this.#encoding === 'audio/x-mulaw' ? 8000 : streamRate);
    this.#resampler = inRate === outputRate ? undefined : createResampler(inRate, outputRate);
  }

  convert(chunk: Int16Array | Uint8Array): Int16Array {
    let pcm: Int16Array;
    if (chunk instanceof Int16Array) pcm = chunk;
    else if (chunk instanceof Uint8Array) pcm = this.#bytes(chunk);
    else
      throw new CallstreamError(
        'ERR_INVALID_AUDIO',
        'playAudio takes Int16Array or Uint8Array chunks',
      );
    return this.#resampler === undefined ? pcm : this.#resampler.process(pcm);
  }

  flush(): Int16Array {
    return this.#resampler === undefined ? new Int16Array(0) : this.#resampler.flush();
  }

  #bytes(bytes: Uint8Array): Int16Array {
    if (this.#encoding === 'audio/x-mulaw') return decodeMulaw(bytes);
    if (this.#carry < 0 && bytes.length % 2 === 0) return decodeL16(bytes);
    // A 16-bit sample split across two chunks of a stream: join it.
    const joined = new Uint8Array(bytes.length + (this.#carry < 0 ? 0 : 1));
    if (this.#carry >= 0) joined[0] = this.#carry;
    joined.set(bytes, this.#carry < 0 ? 0 : 1);
    const even = joined.length & ~1;
    this.#carry = even < joined.length ? (joined[even] as number) : -1;
    return decodeL16(joined.subarray(0, even));
  }
}

/** A FIFO of PCM segments that hands out fixed-size chunks without copying when it can. */
export class PcmBuffer {
  readonly #segments: Int16Array[] = [];
  #offset = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.#segments.push(pcm);
    this.#length += pcm.length;
  }

  /** Takes `n` samples (fewer if fewer are buffered, zero-padded to `n`). */
  take(n: number): Int16Array {
    const first = this.#segments[0];
    if (first !== undefined && first.length - this.#offset >= n) {
      const out = first.subarray(this.#offset, this.#offset + n);
      this.#advance(n);
      return out;
    }
    const out = new Int16Array(n);
    let filled = 0;
    while (filled < n && this.#segments.length > 0) {
      const seg = this.#segments[0] as Int16Array;
      const count = Math.min(n - filled, seg.length - this.#offset);
      out.set(seg.subarray(this.#offset, this.#offset + count), filled);
      filled += count;
      this.#advance(count);
    }
    return out;
  }

  clear(): void {
    this.#segments.length = 0;
    this.#offset = 0;
    this.#length = 0;
  }

  #advance(n: number): void {
    this.#offset += n;
    this.#length -= n;
    const first = this.#segments[0];
    if (first !== undefined && this.#offset >= first.length) {
      this.#segments.shift();
      this.#offset = 0;
    }
  }
}

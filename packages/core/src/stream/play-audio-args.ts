import { isSupportedRate } from '../codec/resampler.js';
import { CallstreamError } from '../errors.js';
import type { PlayableAudio, PlayAudioOptions } from './playback.js';

const ENCODINGS: readonly string[] = ['pcm', 'audio/x-l16', 'audio/x-mulaw'];

function invalid(message: string): CallstreamError {
  return new CallstreamError('ERR_INVALID_AUDIO', message);
}

const show = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : String(value);

/**
 * Checks the arguments of `playAudio` at call time, before `start` as after it: every problem is
 * a `CallstreamError` `ERR_INVALID_AUDIO` whose message names the argument. What only shows
 * while a streaming source is read (a chunk that is not an `Int16Array` or `Uint8Array`) goes to
 * the stream's `error` event instead, since the call has returned by then.
 */
export function checkPlayAudioArgs(audio: PlayableAudio, options: PlayAudioOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw invalid(`playAudio options must be an object (got ${show(options)})`);
  }
  const { sampleRate, encoding, signal, name } = options;
  if (sampleRate !== undefined && !isSupportedRate(sampleRate)) {
    throw invalid(
      `Invalid playAudio option "sampleRate": a whole number of Hz from 8000 to 192000 (got ${show(sampleRate)})`,
    );
  }
  if (encoding !== undefined && !ENCODINGS.includes(encoding)) {
    throw invalid(
      `Invalid playAudio option "encoding": 'pcm', 'audio/x-l16' or 'audio/x-mulaw' (got ${show(encoding)})`,
    );
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalid(`Invalid playAudio option "signal": an AbortSignal (got ${show(signal)})`);
  }
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw invalid(`Invalid playAudio option "name": a non-empty string (got ${show(name)})`);
  }
  const isBuffer = audio instanceof Int16Array || audio instanceof Uint8Array;
  if (
    !isBuffer &&
    typeof (audio as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] !== 'function'
  ) {
    throw invalid('playAudio takes an Int16Array, a Uint8Array or an async iterable of them');
  }
  if (audio instanceof Uint8Array && encoding !== 'audio/x-mulaw' && audio.length % 2 !== 0) {
    throw invalid(
      `16-bit PCM given to playAudio must have an even number of bytes (got ${audio.length})`,
    );
  }
}

import type { CallStream } from '@callstream/core';
import { DTMF_FREQUENCIES, tone } from './tones.js';

/** Length of the greeting beep and of each key tone. */
export const GREETING_MS = 200;
export const KEY_TONE_MS = 100;

/**
 * A tiny bot: greets the caller with a 440 Hz beep, then plays back the DTMF tone of each key
 * they press. Built only on the public CallStream API.
 */
export function toneBot(stream: CallStream): void {
  const rate = stream.format.sampleRate;
  void stream.playAudio(tone([440], GREETING_MS, rate), { sampleRate: rate });
  stream.on('dtmf', ({ digit }) => {
    const pair = DTMF_FREQUENCIES[digit];
    if (pair !== undefined)
      void stream.playAudio(tone(pair, KEY_TONE_MS, rate), { sampleRate: rate });
  });
}

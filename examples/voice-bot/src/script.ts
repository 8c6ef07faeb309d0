/**
 * The demo call's script: when the caller says what (pieces of the bundled recording), when they
 * press a key and when they hang up, timed so that one call shows a greeting, a turn, a
 * barge-in and a DTMF reaction.
 */
import { fileURLToPath } from 'node:url';
import { readWavFile, toMono } from '@callstream/core';

/** A piece of the caller recording (`fromMs`-`toMs`) spoken at call time `atMs`. */
export interface CallerLine {
  atMs: number;
  fromMs: number;
  toMs: number;
}

export interface CallScript {
  /** How much of the greeting recording the bot plays, in ms. */
  greetingMs: number;
  /** How much of each turn the bot echoes, in ms. */
  echoMs: number;
  lines: CallerLine[];
  dtmf: { atMs: number; digit: string }[];
  hangupAfterMs: number;
}

/**
 * The README demo, about 15 s. The greeting is the first 2 s of assets/greeting.wav (it ends at
 * a pause). The caller answers at 3 s with the first sentence of assets/caller.wav (0-3.6 s, up
 * to its pause); the turn ends 0.7 s later and the bot's reply (beep + 1.5 s echo) starts about
 * 7.3 s. At 8.2 s, mid-reply, the caller says the rest (3.8-5.4 s): barge-in. That turn gets a
 * full reply, and at 13.2 s the caller presses 1.
 */
export const DEMO_SCRIPT: CallScript = {
  greetingMs: 2000,
  echoMs: 1500,
  lines: [
    { atMs: 3000, fromMs: 0, toMs: 3600 },
    { atMs: 8200, fromMs: 3800, toMs: 5400 },
  ],
  dtmf: [{ atMs: 13_200, digit: '1' }],
  hangupAfterMs: 14_400,
};

/** The same story in about 8 s, for the test. */
export const SHORT_SCRIPT: CallScript = {
  greetingMs: 600,
  echoMs: 1000,
  lines: [
    { atMs: 1000, fromMs: 0, toMs: 1500 },
    { atMs: 3700, fromMs: 3800, toMs: 5400 },
  ],
  dtmf: [{ atMs: 7000, digit: '1' }],
  hangupAfterMs: 7800,
};

export interface Audio {
  samples: Int16Array;
  sampleRate: number;
}

/** Reads a WAV file bundled in the package's assets/ directory, as mono. */
export async function loadAsset(name: string): Promise<Audio> {
  const wav = await readWavFile(fileURLToPath(new URL(`../assets/${name}`, import.meta.url)));
  return { samples: toMono(wav.samples, wav.channels), sampleRate: wav.sampleRate };
}

/** The first `ms` of a recording. */
export function head(audio: Audio, ms: number): Audio {
  return {
    ...audio,
    samples: audio.samples.subarray(0, Math.round((ms * audio.sampleRate) / 1000)),
  };
}

/** What the caller's microphone picks up during the whole call: the lines, silence between. */
export function callerTimeline(recording: Audio, script: CallScript): Audio {
  const rate = recording.sampleRate;
  const at = (ms: number): number => Math.round((ms * rate) / 1000);
  const out = new Int16Array(at(script.hangupAfterMs));
  for (const line of script.lines) {
    const piece = recording.samples.subarray(at(line.fromMs), at(line.toMs));
    out.set(piece.subarray(0, Math.max(0, out.length - at(line.atMs))), at(line.atMs));
  }
  return { samples: out, sampleRate: rate };
}

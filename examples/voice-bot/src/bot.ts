/**
 * A small voice bot built only on callstream's public API: it greets the caller, listens, finds
 * the end of each turn with an energy VAD, answers (a beep, then the first moments of what it
 * heard), reacts to DTMF "1", and stops talking as soon as the caller talks over it (barge-in).
 */
import type { Call, Playback, PlaybackResult } from '@callstream/core';
import { concat, confirmationTone, replyBeep } from './tones.js';
import { EnergyVad, type VadOptions } from './vad.js';

/** What the bot plays. */
export type PlaybackKind = 'greeting' | 'reply' | 'confirmation';

/** Something the bot noticed or did, `atMs` after it took the call. */
export type BotEvent = { atMs: number } & (
  | { type: 'play'; kind: PlaybackKind; label: string; name: string; audioMs: number }
  | { type: 'playback-ended'; record: PlaybackRecord }
  | { type: 'speech-start'; bargeIn: boolean }
  | { type: 'turn-end'; turn: number; speechMs: number }
  | { type: 'dtmf'; digit: string }
);

/** One playback and how it ended. */
export interface PlaybackRecord extends PlaybackResult {
  kind: PlaybackKind;
  /** `greeting`, `reply 1`, `confirmation`, ... */
  label: string;
  /** The checkpoint name that confirms it. */
  name: string;
  /** Length of the audio, in ms. */
  audioMs: number;
  /**
   * For a `played` playback: ms from the scheduled end of its audio to the `playedStream` that
   * confirmed it (the confirmation latency as the bot sees it).
   */
  confirmLatencyMs?: number;
}

/** What happened during the call, once it is over. */
export interface BotReport {
  turns: number;
  bargeIns: number;
  dtmf: string[];
  playbacks: PlaybackRecord[];
}

/** Options of {@link runVoiceBot}. */
export interface VoiceBotOptions {
  /** The greeting: mono PCM at `sampleRate` (callstream resamples it to the call's format). */
  greeting: { samples: Int16Array; sampleRate: number };
  /** How much of each turn the bot echoes back, in ms. Default `1500`. */
  echoMs?: number;
  /** Turn detection settings. Default: {@link EnergyVad}'s defaults. */
  vad?: VadOptions;
  /** Called as things happen (the demo prints them). */
  onEvent?: (event: BotEvent) => void;
}

/** Frames kept from before speech was detected, so the echo includes the first syllable. */
const PREROLL_FRAMES = 5;

/**
 * Runs the bot on one call until the call ends; resolves with what happened. Any {@link Call}
 * will do: a local `CallStream`, or a call taken from a NATS worker pool (`examples/worker-pool`).
 *
 * @example
 * server.on('stream', (stream) => {
 *   void runVoiceBot(stream, { greeting: { samples, sampleRate: 16000 } });
 * });
 */
export async function runVoiceBot(stream: Call, options: VoiceBotOptions): Promise<BotReport> {
  // Subscribe before the first await, so that no frame goes past the bot.
  const frames = stream.frames({ track: 'inbound' });
  await stream.started;
  const rate = stream.format.sampleRate;
  const echoSamples = Math.round(((options.echoMs ?? 1500) * rate) / 1000);
  const t0 = performance.now();
  const at = (): number => Math.round(performance.now() - t0);
  const emit = (event: DistributiveOmit<BotEvent, 'atMs'>): void =>
    options.onEvent?.({ atMs: at(), ...event } as BotEvent);
  const report: BotReport = { turns: 0, bargeIns: 0, dtmf: [], playbacks: [] };
  const playing = new Set<Playback>();
  const settled: Promise<void>[] = [];
  /** When (performance.now) the audio queued so far ends: the platform plays it in order. */
  let queueEnd = 0;

  const play = (kind: PlaybackKind, label: string, pcm: Int16Array, sampleRate: number): void => {
    // The platform plays whole 20 ms frames: the last one is padded.
    const audioMs = Math.ceil((pcm.length * 1000) / sampleRate / 20) * 20;
    queueEnd = Math.max(queueEnd, performance.now()) + audioMs;
    const endsAt = queueEnd;
    const playback = stream.playAudio(pcm, { sampleRate });
    playing.add(playback);
    emit({ type: 'play', kind, label, name: playback.name, audioMs });
    settled.push(
      Promise.resolve(playback).then((result) => {
        playing.delete(playback);
        const record: PlaybackRecord = { kind, label, name: playback.name, audioMs, ...result };
        if (result.status === 'played')
          record.confirmLatencyMs = Math.round(performance.now() - endsAt);
        report.playbacks.push(record);
        emit({ type: 'playback-ended', record });
      }),
    );
  };

  stream.on('dtmf', ({ digit }) => {
    report.dtmf.push(digit);
    emit({ type: 'dtmf', digit });
    if (digit === '1') play('confirmation', 'confirmation', confirmationTone(rate), rate);
  });

  play('greeting', 'greeting', options.greeting.samples, options.greeting.sampleRate);

  const vad = new EnergyVad(options.vad);
  const preroll: Int16Array[] = [];
  let turn: Int16Array[] = [];
  let turnSamples = 0;
  let speechStart = 0;
  for await (const frame of frames) {
    // Frames may be views on a shared buffer: copy what is kept.
    const samples = frame.samples.slice();
    const event = vad.push(samples, frame.sampleRate);
    if (event === 'speech-start') {
      const bargeIn = playing.size > 0;
      emit({ type: 'speech-start', bargeIn });
      if (bargeIn) {
        report.bargeIns++;
        queueEnd = performance.now();
        void stream.clearAudio(); // every playback in flight settles `interrupted`
      }
      turn = [...preroll];
      turnSamples = preroll.reduce((n, p) => n + p.length, 0);
      speechStart = at() - (turnSamples * 1000) / rate;
    }
    if (vad.speaking || event === 'turn-end') {
      if (turnSamples < echoSamples) turn.push(samples);
      turnSamples += samples.length;
    } else {
      preroll.push(samples);
      if (preroll.length > PREROLL_FRAMES) preroll.shift();
    }
    if (event === 'turn-end') {
      report.turns++;
      emit({
        type: 'turn-end',
        turn: report.turns,
        speechMs: Math.round(at() - speechStart - vad.hangoverMs),
      });
      const echo = concat(...turn).subarray(0, echoSamples);
      play('reply', `reply ${report.turns}`, concat(replyBeep(rate), echo), rate);
      preroll.length = 0;
    }
  }
  await Promise.all(settled);
  return report;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

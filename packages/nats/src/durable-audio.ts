import type { AudioFrame } from '@callstream/core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { checkPrefix, decodeFrame, decodeJson, isJson } from './wire.js';

/** Options of durable audio (`bridgeCalls(…, { durableAudio })`). */
export interface DurableAudioOptions {
  /** The JetStream stream's name. Default `'CALLSTREAM_AUDIO'`. */
  stream?: string;
  /** How long a call's audio is kept, in ms. Default `86_400_000` (a day). */
  maxAgeMs?: number;
}

export const DURABLE_DEFAULTS = { stream: 'CALLSTREAM_AUDIO', maxAgeMs: 86_400_000 } as const;

/** The subject a call's durable audio is written to: `<prefix>.audio.<streamId>`. */
export function audioSubject(prefix: string, streamId: string): string {
  return `${prefix}.audio.${streamId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Creates (or updates) the JetStream stream that keeps every call's audio under `<prefix>.audio.>`. */
export async function ensureAudioStream(
  nc: NatsConnection,
  prefix: string,
  options: DurableAudioOptions,
): Promise<void> {
  const name = options.stream ?? DURABLE_DEFAULTS.stream;
  const maxAge = (options.maxAgeMs ?? DURABLE_DEFAULTS.maxAgeMs) * 1_000_000; // ns
  const jsm = await jetstreamManager(nc);
  const subjects = [`${prefix}.audio.>`];
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, { subjects, max_age: maxAge });
  } catch {
    await jsm.streams.add({ name, subjects, max_age: maxAge });
  }
}

/** Options of {@link readCallAudio}. */
export interface ReadCallAudioOptions {
  /** Subject prefix, as given to `bridgeCalls`. Default `'callstream'`. */
  prefix?: string;
  /** The JetStream stream's name. Default `'CALLSTREAM_AUDIO'`. */
  stream?: string;
  /** Aborting ends the iteration. */
  signal?: AbortSignal;
}

/**
 * Reads one call's audio from JetStream, from its first frame, whenever the reader starts (during
 * the call or after it) and however often it restarts; ends after the call's last frame. The
 * edge writes it when `bridgeCalls` has the `durableAudio` option.
 *
 * @example
 * for await (const frame of readCallAudio(nc, streamId, { prefix: 'callstream' })) {
 *   analytics.push(frame.track, frame.samples);
 * }
 */
export async function* readCallAudio(
  nc: NatsConnection,
  streamId: string,
  options: ReadCallAudioOptions = {},
): AsyncGenerator<AudioFrame> {
  const prefix = checkPrefix(options.prefix ?? 'callstream');
  const js = jetstream(nc);
  const consumer = await js.consumers.get(options.stream ?? DURABLE_DEFAULTS.stream, {
    filter_subjects: audioSubject(prefix, streamId),
  });
  const messages = await consumer.consume();
  const onAbort = (): void => void messages.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const msg of messages) {
      if (!isJson(msg.data)) {
        yield decodeFrame(msg.data);
        continue;
      }
      if (decodeJson(msg.data)?.ev === 'end') return;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await messages.close();
  }
}

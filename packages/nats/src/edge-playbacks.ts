import type { CallStream, Logger, Playback } from '@callstream/core';
import { ChunkSource } from './chunk-source.js';
import { decodeChunk, type EdgeEvent, type WorkerCommand } from './wire.js';

interface PlayEntry {
  playback: Playback | undefined;
  source: ChunkSource | undefined;
  parts: (Int16Array | Uint8Array)[] | undefined;
  name: string;
  sampleRate: number | undefined;
  encoding: 'pcm' | 'audio/x-mulaw' | 'audio/x-l16' | undefined;
}

/** Chunks of a streaming playback the edge keeps unread, beyond the worker's window, before dropping. */
const CHUNK_LIMIT = 64;

/**
 * The playbacks a worker started on a call, on the edge: a whole buffer is gathered from its
 * pieces and played at its end; a streaming one plays while its chunks arrive (each read is
 * acknowledged to the worker). Each result goes back as a `playback` event.
 */
export class EdgePlaybacks {
  readonly #entries = new Map<number, PlayEntry>();
  readonly #stream: CallStream;
  readonly #log: Logger;
  readonly #send: (event: EdgeEvent) => void;

  constructor(stream: CallStream, log: Logger, send: (event: EdgeEvent) => void) {
    this.#stream = stream;
    this.#log = log;
    this.#send = send;
  }

  play(cmd: Extract<WorkerCommand, { op: 'play' }>): void {
    const id = cmd.id;
    const entry: PlayEntry = {
      playback: undefined,
      source: undefined,
      parts: undefined,
      name: cmd.name,
      sampleRate: cmd.sampleRate,
      encoding: cmd.encoding,
    };
    this.#entries.set(id, entry);
    if (cmd.streaming === true) {
      entry.source = new ChunkSource(CHUNK_LIMIT, () => this.#send({ ev: 'ack', id }));
      this.#start(id, entry, entry.source);
    } else {
      entry.parts = [];
    }
  }

  /** A binary chunk arrived; false if it is not one. */
  chunk(data: Uint8Array): boolean {
    let chunk: { id: number; audio: Int16Array | Uint8Array };
    try {
      chunk = decodeChunk(data);
    } catch {
      return false;
    }
    const entry = this.#entries.get(chunk.id);
    if (entry === undefined) return true; // cancelled or settled already
    if (entry.source !== undefined) entry.source.push(chunk.audio);
    else entry.parts?.push(chunk.audio);
    return true;
  }

  end(id: number, error: string | undefined): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    if (error !== undefined) this.#log.warn({ error }, 'a playback source of the worker failed');
    if (entry.source !== undefined) {
      entry.source.end();
      return;
    }
    const parts = entry.parts ?? [];
    entry.parts = undefined;
    this.#start(id, entry, concat(parts));
  }

  /** Cancels one playback; resolves as a local `cancel()` does. */
  cancel(id: number): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry === undefined) return Promise.resolve();
    if (entry.playback === undefined) {
      // Still being gathered: it never reached the stream.
      this.#entries.delete(id);
      this.#send({ ev: 'playback', id, status: 'interrupted', playedMs: 0 });
      return Promise.resolve();
    }
    return entry.playback.cancel();
  }

  /** Stops every playback (the worker is gone). */
  cancelAll(): void {
    for (const entry of this.#entries.values()) {
      entry.source?.end();
      void entry.playback?.cancel();
    }
  }

  /** The session ended: streaming sources end (what was read still plays). */
  close(): void {
    for (const entry of this.#entries.values()) entry.source?.end();
    this.#entries.clear();
  }

  #start(
    id: number,
    entry: PlayEntry,
    audio: Int16Array | Uint8Array | AsyncIterable<Int16Array | Uint8Array>,
  ): void {
    let playback: Playback;
    try {
      playback = this.#stream.playAudio(audio, {
        name: entry.name,
        ...(entry.sampleRate !== undefined && { sampleRate: entry.sampleRate }),
        encoding: entry.encoding ?? 'pcm',
      });
    } catch (err) {
      this.#entries.delete(id);
      this.#log.warn({ err }, 'playAudio from the worker failed');
      this.#send({ ev: 'playback', id, status: 'interrupted', playedMs: 0 });
      return;
    }
    entry.playback = playback;
    void Promise.resolve(playback).then((result) => {
      this.#entries.delete(id);
      this.#send({ ev: 'playback', id, status: result.status, playedMs: result.playedMs });
    });
  }
}

/** Joins the pieces of a whole buffer (all of one kind: the worker cut one buffer). */
function concat(parts: (Int16Array | Uint8Array)[]): Int16Array | Uint8Array {
  const first = parts[0];
  if (parts.length === 1 && first !== undefined) return first;
  let length = 0;
  for (const p of parts) length += p.length;
  const whole = first instanceof Int16Array ? new Int16Array(length) : new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    whole.set(p, offset);
    offset += p.length;
  }
  return whole;
}

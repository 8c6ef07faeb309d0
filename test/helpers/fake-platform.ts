import { once } from 'node:events';
import { WebSocket } from 'ws';

/** A scripted stand-in for the platform, for tests that need exact control of every frame. */
export interface StartSpec {
  callId?: string;
  streamId?: string;
  accountId?: string;
  tracks?: ('inbound' | 'outbound')[];
  encoding?: 'audio/x-mulaw' | 'audio/x-l16';
  sampleRate?: number;
  extraHeaders?: string;
}

export class FakePlatform {
  readonly ws: WebSocket;
  /** Commands the server sent, parsed. */
  readonly received: Record<string, unknown>[] = [];
  /** The same commands as the exact text that arrived. */
  readonly raw: string[] = [];
  /** Arrival time (performance.now) of each received command. */
  readonly receivedAt: number[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  streamId = 'stream-1';
  #seq = 1;
  readonly #chunks = { inbound: 0, outbound: 0 };
  readonly #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.raw.push(String(data));
      this.received.push(JSON.parse(String(data)) as Record<string, unknown>);
      this.receivedAt.push(performance.now());
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const w of this.#waiters.splice(0)) w();
      });
    });
  }

  static async connect(url: string, headers?: Record<string, string>): Promise<FakePlatform> {
    const ws = new WebSocket(url, { headers });
    const platform = new FakePlatform(ws);
    await once(ws, 'open');
    return platform;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  start(spec: StartSpec = {}): void {
    this.streamId = spec.streamId ?? this.streamId;
    this.send({
      event: 'start',
      sequenceNumber: this.#seq++,
      start: {
        callId: spec.callId ?? 'call-1',
        streamId: this.streamId,
        accountId: spec.accountId ?? 'MAZDQ5ZTM4ODI1NTEwYT',
        tracks: spec.tracks ?? ['inbound'],
        mediaFormat: {
          encoding: spec.encoding ?? 'audio/x-mulaw',
          sampleRate: spec.sampleRate ?? 8000,
        },
      },
      extra_headers: spec.extraHeaders ?? '',
    });
  }

  /** Sends one media frame with the next chunk number of its track (or the given one). */
  media(bytes: Uint8Array, track: 'inbound' | 'outbound' = 'inbound', chunk?: number): void {
    const c = chunk ?? this.#chunks[track] + 1;
    this.#chunks[track] = c;
    this.send({
      event: 'media',
      sequenceNumber: this.#seq++,
      streamId: this.streamId,
      media: {
        track,
        timestamp: String(1_705_312_200_000 + 20 * c),
        chunk: c,
        payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      },
      extra_headers: '',
    });
  }

  dtmf(digit: string, track: 'inbound' | 'outbound' = 'inbound'): void {
    this.send({
      event: 'dtmf',
      sequenceNumber: this.#seq++,
      streamId: this.streamId,
      dtmf: { track, digit, timestamp: '1705312206180' },
    });
  }

  played(name: string): void {
    this.send({
      event: 'playedStream',
      sequenceNumber: this.#seq++,
      streamId: this.streamId,
      name,
    });
  }

  cleared(): void {
    this.send({ sequenceNumber: 0, event: 'clearedAudio', streamId: this.streamId });
  }

  /** Resolves with the first received command (from index `from`) that matches. */
  async waitFor(
    match: (m: Record<string, unknown>) => boolean,
    from = 0,
    timeoutMs = 5_000,
  ): Promise<Record<string, unknown>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(match);
      if (found !== undefined) return found;
      if (performance.now() > deadline) throw new Error('timed out waiting for a command');
      if (this.ws.readyState > WebSocket.OPEN) throw new Error('socket closed while waiting');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(code = 1000): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState <= WebSocket.OPEN) this.ws.close(code);
    return this.closed;
  }
}

/** Little-endian bytes of 16-bit samples (the L16 wire order), independent of the library. */
export function le16(samples: ArrayLike<number>): Uint8Array {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] as number, i * 2);
  return out;
}

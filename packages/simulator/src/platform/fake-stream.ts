/**
 * One stream of a fake call: a `simulateCall` into the service URL with a signed upgrade, retried
 * as the platform retries, ended by a REST stop, its `streamTimeout`, the server, or the call;
 * and the status callbacks each of those sends (CONTROL.md §3.1, choices in the README).
 */
import { EventEmitter } from 'node:events';
import type { AckedCheckpoint, SimulatedCallResult } from '../options.js';
import { SimulatedCall } from '../simulate-call.js';
import { callbackParams, sendCallback } from './status-callback.js';
import type { HttpExchange } from './outbound-request.js';
import type { ResolvedPlatformOptions } from './platform-options.js';
import { upgradeSignatureHeaders } from './signing.js';
import type { StreamSpec } from './stream-spec.js';

/** How a stream ended. */
export type StreamEnd =
  /** REST stop (one or all): StopStream. */
  | 'stopped'
  /** `streamTimeout` reached: StopStream. */
  | 'timeout'
  /** Vobiz: the server sent `stop`: StopStream. */
  | 'server-stop'
  /** The server closed the socket: DroppedStream. */
  | 'dropped'
  /** Every connection attempt failed: DroppedStream. */
  | 'failed'
  /** The caller hung up (the stream's audio and hangup time ran out): no callback. */
  | 'caller-hangup'
  /** The call ended otherwise (REST hangup, the XML, `fake.close()`): no callback. */
  | 'call-ended';

/** A status callback the fake sent, and the response it got. */
export interface CallbackExchange extends HttpExchange {
  event: string;
  callUuid: string;
  streamId: string;
}

/** What became of one stream. */
export interface FakeStreamResult {
  streamId: string;
  serviceUrl: string;
  /** Where it was asked for: the answer XML or a REST start. */
  source: 'xml' | 'rest';
  /** Connection attempts made. */
  attempts: number;
  end: StreamEnd;
  /** The last connection error, when the stream failed. */
  error?: string;
  /** The simulated call of the attempt that connected. */
  result?: SimulatedCallResult;
}

/** What the stream needs from its call at each attempt. */
export interface StreamHost {
  callUuid: string;
  from: string;
  to: string;
  options: ResolvedPlatformOptions;
  /** Keeps a callback that was sent and answered. */
  recordCallback(exchange: CallbackExchange): void;
  /** The caller's side from now on: audio, DTMF and hangup time, relative to now. */
  caller(): {
    audio?: { samples: Int16Array; sampleRate: number };
    dtmf: { atMs: number; digit: string }[];
    hangupAfterMs: number | undefined;
    waitForPlayoutMs: number;
  };
}

export interface FakeStreamEvents {
  /** A connection attempt began. */
  attempt: [SimulatedCall];
}

export const DROPPED_ERROR = 'connection disconnected with the remote service';

/**
 * One stream of a {@link FakeCall}: from its `<Stream>` or a REST start, in `call.streams`.
 *
 * @example
 * const [stream] = call.streams;
 * stream?.stop('stopped'); // as a REST stop: StopStream is sent
 * const { end, result } = await stream!.done;
 */
export class FakeStream extends EventEmitter<FakeStreamEvents> {
  readonly streamId: string;
  readonly spec: StreamSpec;
  readonly source: 'xml' | 'rest';
  readonly createdAt: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  status: 'initiated' | 'in-progress' | 'completed' | 'failed' = 'initiated';
  /** Settles when the stream has ended and its callbacks have been answered. */
  readonly done: Promise<FakeStreamResult>;
  /** Settles when the first attempt connected or every attempt failed. */
  readonly connected: Promise<boolean>;
  readonly #host: StreamHost;
  #simulated: SimulatedCall | undefined;
  #stopping: 'stopped' | 'call-ended' | undefined;
  #wake: (() => void) | undefined;
  #callbacks: Promise<void> = Promise.resolve();
  #connected!: (ok: boolean) => void;

  constructor(host: StreamHost, streamId: string, spec: StreamSpec, source: 'xml' | 'rest') {
    super();
    this.#host = host;
    this.streamId = streamId;
    this.spec = spec;
    this.source = source;
    this.createdAt = host.options.clock();
    this.connected = new Promise((resolve) => (this.#connected = resolve));
    // Started on the next microtask, so that listeners added after construction see every attempt.
    this.done = Promise.resolve().then(() => this.#run());
  }

  /** True until the stream has ended (or is ending). */
  get live(): boolean {
    return this.endedAt === undefined && this.#stopping === undefined;
  }

  /** Ends the stream: `stopped` (REST stop, sends StopStream) or `call-ended` (no callback). */
  stop(reason: 'stopped' | 'call-ended'): void {
    if (!this.live) return;
    this.#stopping = reason;
    this.#wake?.();
    void this.#simulated?.hangup();
  }

  async #run(): Promise<FakeStreamResult> {
    const { options } = this.#host;
    let attempts = 0;
    let error: string | undefined;
    let outcome: { end: StreamEnd; result?: SimulatedCallResult } | undefined;
    while (outcome === undefined && this.#stopping === undefined) {
      attempts++;
      try {
        outcome = await this.#attempt();
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        // A TypeError is a stream the simulator cannot place (checked options make it rare):
        // retrying cannot help.
        if (attempts > this.spec.retries || err instanceof TypeError) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.retryDelayMs);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    this.#connected(this.startedAt !== undefined);
    this.endedAt = options.clock();
    const end = outcome?.end ?? this.#stopping ?? 'failed';
    this.status = end === 'failed' ? 'failed' : 'completed';
    if (end === 'failed') this.#callback('DroppedStream', { Error: DROPPED_ERROR });
    else if (end === 'dropped') this.#callback('DroppedStream', { Error: DROPPED_ERROR });
    else if (end === 'stopped' || end === 'timeout' || end === 'server-stop') {
      this.#callback('StopStream', {});
    }
    await this.#callbacks;
    return {
      streamId: this.streamId,
      serviceUrl: this.spec.serviceUrl,
      source: this.source,
      attempts,
      end,
      ...(end === 'failed' && error !== undefined && { error }),
      ...(outcome?.result !== undefined && { result: outcome.result }),
    };
  }

  /** One connection attempt; rejects when it could not connect. */
  async #attempt(): Promise<{ end: StreamEnd; result: SimulatedCallResult }> {
    const { options } = this.#host;
    const caller = this.#host.caller();
    const timeoutMs = this.spec.streamTimeout * 1000;
    const timesOut = caller.hangupAfterMs === undefined || timeoutMs < caller.hangupAfterMs;
    const simulated = new SimulatedCall({
      url: this.spec.serviceUrl,
      audio: caller.audio,
      format: this.spec.format,
      tracks: this.spec.tracks,
      speed: options.speed,
      dtmf: caller.dtmf,
      extraHeaders: wireExtraHeaders(options.platform, this.spec.extraHeaders),
      headers: upgradeSignatureHeaders(options.platform, this.spec.serviceUrl, options.authToken),
      hangupAfterMs: timesOut ? timeoutMs : caller.hangupAfterMs,
      waitForPlayoutMs: caller.waitForPlayoutMs,
      dialect: options.platform,
      bidirectional: this.spec.bidirectional,
      callId: this.#host.callUuid,
      streamId: this.streamId,
      accountId: options.authId,
    });
    this.#simulated = simulated;
    simulated.once('open', () => {
      this.startedAt = options.clock();
      this.status = 'in-progress';
      this.#connected(true);
      this.#callback('StartStream', { ServiceURL: this.spec.serviceUrl });
    });
    if (options.platform === 'vobiz') {
      simulated.on('checkpoint', (acked: AckedCheckpoint) =>
        this.#callback('PlayedStream', { Name: acked.name }),
      );
      simulated.on('clearedAudio', () => this.#callback('ClearedAudio', {}));
    }
    this.emit('attempt', simulated);
    if (this.#stopping !== undefined) void simulated.hangup();
    const result = await simulated.done;
    const { close } = result;
    let end: StreamEnd;
    if (this.#stopping !== undefined) end = this.#stopping;
    else if (close.by === 'server') {
      end = close.reason === 'stop requested by the server' ? 'server-stop' : 'dropped';
    } else end = timesOut ? 'timeout' : 'caller-hangup';
    return { end, result };
  }

  /** Queues a status callback; callbacks of a stream go out one after the other, in order. */
  #callback(event: string, extra: Record<string, string>): void {
    const { spec } = this;
    const url = spec.statusCallbackUrl;
    if (url === undefined) return;
    const host = this.#host;
    const subject = {
      callUuid: host.callUuid,
      streamId: this.streamId,
      from: host.from,
      to: host.to,
    };
    const params = callbackParams(host.options, spec, subject, event, extra);
    this.#callbacks = this.#callbacks.then(async () => {
      const exchange = await sendCallback(
        host.options,
        { ...spec, statusCallbackUrl: url },
        params,
      );
      host.recordCallback({ ...exchange, event, callUuid: host.callUuid, streamId: this.streamId });
    });
  }
}

/** `extra_headers` on the wire: `k=v;k=v` on Plivo, JSON text on Vobiz (`"{}"` when empty). */
function wireExtraHeaders(platform: string, pairs: [string, string][]): string {
  if (platform === 'vobiz') return JSON.stringify(Object.fromEntries(pairs));
  return pairs.map(([k, v]) => `${k}=${v}`).join(';');
}

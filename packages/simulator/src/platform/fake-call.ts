/**
 * One call on the fake platform: it fetches the answer URL (when there is one) and runs the
 * document's verbs, holds the streams started by the XML and by REST, and ends when the caller
 * hangs up, the API hangs it up, the XML runs out or says `<Hangup/>`, or the fake closes.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { readWavFile, toMono } from '@callstream/core';
import type { CallerAudio } from '../media-source.js';
import type { SimulatedCall } from '../simulate-call.js';
import type { AnswerProblem, AnswerVerb } from './answer-document.js';
import { FakeStream } from './fake-stream.js';
import type { CallbackExchange, FakeStreamResult, StreamHost } from './fake-stream.js';
import { requestAnswer } from './answer-request.js';
import type { HttpExchange } from './outbound-request.js';
import type { ResolvedPlatformOptions } from './platform-options.js';
import type { StreamSpec } from './stream-spec.js';

/** Options of `fake.createCall`; all optional. */
export interface CreateCallOptions {
  /** The caller's number. Default `'+14155550100'`. */
  from?: string;
  /** The number called. Default `'+14155550199'`. */
  to?: string;
  /** What the caller says, from the call's start (a WAV path or samples). Default: silence. */
  audio?: CallerAudio;
  /** Digits the caller presses, at call times in ms. Default none. */
  dtmf?: readonly { atMs: number; digit: string }[];
  /**
   * Call time (ms) at which the caller hangs up. Default: when the audio ends; without audio,
   * never (the call ends by the API, the XML or `fake.close()`).
   */
  hangupAfterMs?: number;
  /** See `simulateCall`'s `waitForPlayoutMs`. Default 0. */
  waitForPlayoutMs?: number;
  /** The answer URL to fetch; without it the call is live and waits for a REST start. */
  answerUrl?: string;
  /** Default `'POST'`, as the platforms' default. */
  answerMethod?: 'GET' | 'POST';
  /** Default: a random UUID. */
  callUuid?: string;
}

/** How a call ended. */
export type CallEnd =
  'caller-hangup' | 'api-hangup' | 'xml-hangup' | 'xml-end' | 'answer-failed' | 'platform-closed';

/** What `call.done` resolves with. */
export interface FakeCallResult {
  callUuid: string;
  from: string;
  to: string;
  /** The answer-URL request and its response, when there was an answer URL. */
  answer?: HttpExchange;
  /** Problems with the answer URL or its document; when any, none of the document ran. */
  problems: AnswerProblem[];
  /** Every stream of the call, in the order they were started. */
  streams: FakeStreamResult[];
  end: CallEnd;
}

export interface FakeCallEvents {
  /** A stream of the call makes a connection attempt (its simulated call). */
  stream: [FakeStream, SimulatedCall];
}

export interface CallHost {
  options: ResolvedPlatformOptions;
  recordCallback(exchange: CallbackExchange): void;
}

/**
 * One call of a {@link FakePlatform}, made with `fake.createCall()`.
 *
 * @example
 * const call = fake.createCall({ answerUrl: 'http://127.0.0.1:3000/answer', hangupAfterMs: 5000 });
 * const acknowledged: string[] = [];
 * call.on('stream', (stream, simulated) => simulated.on('checkpoint', (c) => acknowledged.push(c.name)));
 * const { end, streams } = await call.done;
 */
export class FakeCall extends EventEmitter<FakeCallEvents> {
  readonly callUuid: string;
  readonly from: string;
  readonly to: string;
  readonly streams: FakeStream[] = [];
  /** Resolves when the call has ended, its streams too, and their callbacks were answered. */
  readonly done: Promise<FakeCallResult>;
  readonly #host: CallHost;
  readonly #o: CreateCallOptions;
  #audio: { samples: Int16Array; sampleRate: number } | undefined;
  #answeredAt = 0;
  #hangupAtMs: number | undefined;
  #end: CallEnd | undefined;
  #ended!: () => void;
  readonly #endedPromise = new Promise<void>((resolve) => (this.#ended = resolve));
  #timer: NodeJS.Timeout | undefined;
  #answer: HttpExchange | undefined;
  /** Aborts the answer request when the call ends first. */
  readonly #abort = new AbortController();
  #problems: AnswerProblem[] = [];

  constructor(host: CallHost, options: CreateCallOptions) {
    super();
    this.#host = host;
    this.#o = options;
    this.callUuid = options.callUuid ?? randomUUID();
    this.from = options.from ?? '+14155550100';
    this.to = options.to ?? '+14155550199';
    this.done = this.#run();
  }

  /** True until the call has ended (or is ending). */
  get live(): boolean {
    return this.#end === undefined;
  }

  /** Starts a stream (from the XML or a REST start); the caller's audio goes on from now. */
  startStream(spec: StreamSpec, source: 'xml' | 'rest'): FakeStream {
    const stream = new FakeStream(
      {
        callUuid: this.callUuid,
        from: this.from,
        to: this.to,
        options: this.#host.options,
        recordCallback: (exchange) => this.#host.recordCallback(exchange),
        caller: () => this.#caller(),
      },
      randomUUID(),
      spec,
      source,
    );
    stream.on('attempt', (simulated) => this.emit('stream', stream, simulated));
    this.streams.push(stream);
    void stream.done.then((result) => {
      const pastHangup = this.#hangupAtMs !== undefined && this.#callMs() >= this.#hangupAtMs;
      if (result.end === 'caller-hangup' || (pastHangup && !this.streams.some((s) => s.live))) {
        this.hangup('caller-hangup');
      }
    });
    return stream;
  }

  /**
   * Ends the call and every live stream of it (no callbacks: the call, not the app, ended them).
   * `end` says why; default `'api-hangup'`.
   */
  hangup(end: CallEnd = 'api-hangup'): void {
    if (this.#end !== undefined) return;
    this.#end = end;
    clearTimeout(this.#timer);
    this.#abort.abort();
    for (const stream of this.streams) stream.stop('call-ended');
    this.#ended();
  }

  /** Call time in ms since the call was answered (at speed 0, wall time). */
  #callMs(): number {
    const speed = this.#host.options.speed || 1;
    return (Date.now() - this.#answeredAt) * speed;
  }

  #caller(): ReturnType<StreamHost['caller']> {
    const now = this.#callMs();
    const audio = this.#audio;
    const skip = audio === undefined ? 0 : Math.round((now * audio.sampleRate) / 1000);
    return {
      ...(audio !== undefined && {
        audio: {
          samples: audio.samples.subarray(Math.min(skip, audio.samples.length)),
          sampleRate: audio.sampleRate,
        },
      }),
      dtmf: (this.#o.dtmf ?? [])
        .filter((press) => press.atMs >= now)
        .map((press) => ({ digit: press.digit, atMs: press.atMs - now })),
      hangupAfterMs:
        this.#hangupAtMs === undefined ? undefined : Math.max(0, this.#hangupAtMs - now),
      waitForPlayoutMs: this.#o.waitForPlayoutMs ?? 0,
    };
  }

  async #run(): Promise<FakeCallResult> {
    const { audio } = this.#o;
    try {
      if (audio !== undefined) this.#audio = await loadAudio(audio);
    } catch (err) {
      const message = `could not read the caller audio: ${err instanceof Error ? err.message : String(err)}`;
      this.#problems.push({ code: 'caller-audio', message });
      this.hangup('answer-failed');
    }
    // Call time 0 is the answer: when the answer document has come (the platform answers the
    // call then), or at once without an answer URL.
    const { answerUrl } = this.#o;
    const verbs =
      this.live && answerUrl !== undefined ? await this.#fetchAnswer(answerUrl) : undefined;
    this.#answeredAt = Date.now();
    this.#hangupAtMs =
      this.#o.hangupAfterMs ??
      (this.#audio ? (this.#audio.samples.length * 1000) / this.#audio.sampleRate : undefined);
    if (this.#hangupAtMs !== undefined && this.live) {
      const wallMs = this.#hangupAtMs / (this.#host.options.speed || 1);
      this.#timer = setTimeout(() => {
        // A live stream ends the call itself when its caller hangs up, on the stream's clock.
        if (!this.streams.some((s) => s.live)) this.hangup('caller-hangup');
      }, wallMs);
      this.#timer.unref();
    }
    if (verbs !== undefined) void this.#runVerbs(verbs);
    await this.#endedPromise;
    const streams = await Promise.all(this.streams.map((s) => s.done));
    return {
      callUuid: this.callUuid,
      from: this.from,
      to: this.to,
      ...(this.#answer !== undefined && { answer: this.#answer }),
      problems: this.#problems,
      streams,
      end: this.#end as CallEnd,
    };
  }

  /** Requests the answer URL; resolves with the verbs to run, or undefined when it cannot run. */
  async #fetchAnswer(url: string): Promise<AnswerVerb[] | undefined> {
    const method = this.#o.answerMethod ?? 'POST';
    const outcome = await requestAnswer(this.#host.options, this, url, method, this.#abort.signal);
    this.#answer = outcome.exchange;
    this.#problems.push(...outcome.problems);
    if (outcome.verbs === undefined) this.hangup('answer-failed');
    return outcome.verbs;
  }

  async #runVerbs(verbs: AnswerVerb[]): Promise<void> {
    for (const verb of verbs) {
      if (!this.live) return;
      if (verb.verb === 'Stream') {
        const stream = this.startStream(verb.spec, 'xml');
        // keepCallAlive: the stream runs alone, the next verb waits for it to end.
        if (verb.spec.keepCallAlive) await Promise.race([stream.done, this.#endedPromise]);
        else await Promise.race([stream.connected, this.#endedPromise]);
      } else if (verb.verb === 'Wait') {
        const wallMs = (verb.seconds * 1000) / (this.#host.options.speed || 1);
        await Promise.race([
          new Promise((resolve) => setTimeout(resolve, wallMs).unref()),
          this.#endedPromise,
        ]);
      } else if (verb.verb === 'Hangup') {
        return this.hangup('xml-hangup');
      } else {
        await this.#endedPromise; // held: a verb the fake does not run keeps the call up
      }
    }
    this.hangup('xml-end');
  }
}

async function loadAudio(audio: CallerAudio): Promise<{ samples: Int16Array; sampleRate: number }> {
  if (typeof audio !== 'string') return audio;
  const wav = await readWavFile(audio);
  return { samples: toMono(wav.samples, wav.channels), sampleRate: wav.sampleRate };
}

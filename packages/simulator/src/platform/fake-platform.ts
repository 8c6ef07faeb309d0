/**
 * `startFakePlatform`: a local Plivo (or Vobiz). It serves the stream REST API, places calls that
 * fetch an answer URL and follow its `<Stream>`s, streams each into the app's WebSocket server as
 * a simulated call, and sends signed status callbacks. Everything it received and sent is kept
 * for the test to look at.
 */
import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCall } from './fake-call.js';
import type { CreateCallOptions } from './fake-call.js';
import type { CallbackExchange } from './fake-stream.js';
import { resolvePlatformOptions } from './platform-options.js';
import type {
  Platform,
  ResolvedPlatformOptions,
  StartFakePlatformOptions,
} from './platform-options.js';
import { handleRest } from './rest-api.js';
import type { RestExchange } from './rest-api.js';

/** Events of a {@link FakePlatform}, for logs and live displays. */
export interface FakePlatformEvents {
  /** A call was placed (by `createCall` or `POST Call/`). */
  call: [FakeCall];
  /** A REST request was answered. */
  request: [RestExchange];
  /** A status callback was sent and answered (or failed). */
  callback: [CallbackExchange];
}

/**
 * A running fake platform; see {@link startFakePlatform}.
 *
 * @example
 * const fake = await startFakePlatform();
 * const answered: (number | undefined)[] = [];
 * fake.on('callback', (c) => answered.push(c.response?.status));
 * const call = fake.createCall(); // live, waiting for a REST start at fake.baseUrl
 * await fake.hangup(call.callUuid);
 */
export class FakePlatform extends EventEmitter<FakePlatformEvents> {
  readonly platform: Platform;
  readonly authId: string;
  readonly authToken: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** The REST base: `{origin}/v1/Account/{authId}/` (Vobiz: `{origin}/api/v1/Account/{authId}/`). */
  readonly baseUrl: string;
  /** Every REST request received, with the status and body answered, in arrival order. */
  readonly requests: RestExchange[] = [];
  /** Every status callback sent, with its response (or error), in the order answered. */
  readonly callbacks: CallbackExchange[] = [];
  readonly #options: ResolvedPlatformOptions;
  readonly #server: Server;
  readonly #calls = new Map<string, FakeCall>();
  #closing: Promise<void> | undefined;

  /** @internal use {@link startFakePlatform} */
  constructor(options: ResolvedPlatformOptions, server: Server) {
    super();
    this.#options = options;
    this.#server = server;
    this.platform = options.platform;
    this.authId = options.authId;
    this.authToken = options.authToken;
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    this.origin = `http://${host}:${port}`;
    const prefix = options.platform === 'vobiz' ? '/api/v1/Account/' : '/v1/Account/';
    this.baseUrl = `${this.origin}${prefix}${options.authId}/`;
    server.on('request', (req, res) => {
      void handleRest(
        {
          options,
          calls: this.#calls,
          createCall: (o) => this.createCall(o),
          recordRequest: (exchange) => {
            keep(this.requests, exchange, options.maxRecords);
            this.emit('request', exchange);
          },
        },
        req,
        res,
      );
    });
  }

  /** The calls placed so far, live or ended, by call UUID. */
  get calls(): ReadonlyMap<string, FakeCall> {
    return this.#calls;
  }

  /**
   * Places a call. With `answerUrl` the fake requests it (signed, with `CallUUID`, `From`, `To`,
   * `Direction`, ...) and runs the document; without it the call is live and waits for a REST
   * start. The result (`call.done`) reports problems with the answer; it never rejects.
   */
  createCall(options: CreateCallOptions = {}): FakeCall {
    if (this.#closing) throw new Error('startFakePlatform: the fake platform is closed');
    checkCallOptions(options);
    if (options.callUuid !== undefined && this.#calls.has(options.callUuid)) {
      throw new TypeError(`createCall: a call ${options.callUuid} exists already`);
    }
    const call = new FakeCall(
      {
        options: this.#options,
        recordCallback: (exchange) => {
          keep(this.callbacks, exchange, this.#options.maxRecords);
          this.emit('callback', exchange);
        },
      },
      options,
    );
    this.#calls.set(call.callUuid, call);
    this.#forgetEndedCalls();
    this.emit('call', call);
    return call;
  }

  /** Past `maxRecords` calls, the oldest ended ones are forgotten (a long-lived platform stays bounded). */
  #forgetEndedCalls(): void {
    if (this.#calls.size <= this.#options.maxRecords) return;
    for (const [uuid, call] of this.#calls) {
      if (this.#calls.size <= this.#options.maxRecords) break;
      if (!call.live) this.#calls.delete(uuid);
    }
  }

  /** Hangs a call up (as the REST hangup does; no stream callbacks); resolves with its result. */
  async hangup(callUuid: string): Promise<void> {
    const call = this.#calls.get(callUuid);
    if (call === undefined) throw new TypeError(`hangup: no call ${callUuid}`);
    call.hangup('api-hangup');
    await call.done;
  }

  /** Ends every live call, stops serving, and resolves when all is closed. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeIdleConnections();
      for (const call of this.#calls.values()) call.hangup('platform-closed');
      await Promise.all([...this.#calls.values()].map((call) => call.done));
      this.#server.closeAllConnections();
      await closed;
    })();
    return this.#closing;
  }
}

/** Appends `item`, dropping the oldest items past `max`. */
function keep<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

const DIGIT = /^[0-9A-D*#]$/;

function checkCallOptions(o: CreateCallOptions): void {
  const bad = (option: string, why: string): never => {
    throw new TypeError(`createCall: option "${option}" ${why}`);
  };
  if (o.answerUrl !== undefined && !/^https?:\/\/./i.test(o.answerUrl)) {
    bad('answerUrl', 'must be an http:// or https:// URL');
  }
  if (o.answerMethod !== undefined && o.answerMethod !== 'GET' && o.answerMethod !== 'POST') {
    bad('answerMethod', 'must be GET or POST');
  }
  for (const key of ['from', 'to', 'callUuid'] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'string' || v === ''))
      bad(key, 'must be a non-empty string');
  }
  for (const key of ['hangupAfterMs', 'waitForPlayoutMs'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0))
      bad(key, 'must be a finite number >= 0');
  }
  for (const press of o.dtmf ?? []) {
    if (!DIGIT.test(String(press?.digit))) bad('dtmf', 'has a digit outside [0-9A-D*#]');
    if (!(Number.isFinite(press.atMs) && press.atMs >= 0))
      bad('dtmf', 'has an atMs that is not >= 0');
  }
  const audio = o.audio;
  if (audio !== undefined && typeof audio !== 'string') {
    if (!(audio?.samples instanceof Int16Array)) bad('audio', 'samples must be an Int16Array');
    if (!Number.isInteger(audio.sampleRate) || audio.sampleRate <= 0) {
      bad('audio', 'sampleRate must be a positive integer');
    }
  }
}

/**
 * Starts a fake Plivo (or Vobiz) on 127.0.0.1: the stream REST API at `baseUrl`, calls placed
 * with `createCall` (from an answer URL, or live for REST starts), simulated media streams into
 * your WebSocket server with signed upgrades, and signed status callbacks.
 *
 * @example
 * const fake = await startFakePlatform({ authId: 'MAODUZYTQ0Y2M5ZGE1MD', authToken: 'secret' });
 * const call = fake.createCall({ audio: 'caller.wav', answerUrl: 'http://127.0.0.1:3000/answer' });
 * const { streams, problems } = await call.done;
 * await fake.close();
 */
export async function startFakePlatform(
  options: StartFakePlatformOptions = {},
): Promise<FakePlatform> {
  const resolved = resolvePlatformOptions(options);
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 });
  server.listen(resolved.port, resolved.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([err]) => {
      throw err;
    }),
  ]);
  return new FakePlatform(resolved, server);
}

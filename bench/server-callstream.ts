/**
 * Variants (b), (c), (e) and (f): `createStreamServer` from @callstream/core with one
 * async-iterator consumer per call, as an application would write it. (c) adds a bot that plays
 * audio back to every call for the whole run: one long buffer per call, paced by callstream at
 * real time (the "TTS answered with a long utterance" case), so the bot itself runs no timer.
 * (e) streams its reply: every call's `playAudio` reads an async iterable that the bot feeds
 * with each frame it receives (an echo). (f) asks the iterator for 16 kHz (a transcriber).
 */
import type { BenchServer } from './bench-server.js';
import { loadCore } from './deps.js';
import type { FrameCheck } from './frame-check.js';
import { ReplyQueue } from './reply-queue.js';
import { syntheticVoice } from './synthetic-voice.js';

export interface CallstreamVariantOptions {
  /** Seconds of audio the bot plays to each call; 0 = no bot. */
  botSeconds: number;
  /** (e): play each call's frames back to it, streamed. */
  echo?: boolean;
  /** (f): the rate the iterator is asked for. */
  sampleRate?: number;
}

export async function startCallstream(
  check: FrameCheck,
  options: CallstreamVariantOptions,
): Promise<BenchServer> {
  const { createStreamServer } = await loadCore();
  // 8 kHz PCM, the stream's own rate: callstream only encodes it to mu-law (no resampling). One
  // buffer shared by every call: playback takes views of it, so memory stays flat.
  const botAudio = options.botSeconds > 0 ? syntheticVoice(options.botSeconds, 8000) : undefined;
  const server = createStreamServer({ port: 0, host: '127.0.0.1' });
  let open = 0;
  let started = 0;

  server.on('stream', (stream) => {
    open++;
    const call = check.call();
    let isStarted = false;
    const replies = options.echo === true ? new ReplyQueue() : undefined;
    stream.on('error', () => check.errors++);
    stream.on('frameError', () => check.errors++);
    stream.started.then(
      () => {
        isStarted = true;
        started++;
        if (replies !== undefined) {
          check.playbacks++;
          void stream.playAudio(replies);
          return;
        }
        if (botAudio === undefined) return;
        check.playbacks++;
        // Settles 'closed' when the call hangs up first, as it does here; nothing to await.
        void stream.playAudio(botAudio);
      },
      () => undefined,
    );
    const consume = async (): Promise<void> => {
      try {
        const frames =
          options.sampleRate === undefined
            ? stream
            : stream.frames({ sampleRate: options.sampleRate });
        for await (const frame of frames) {
          call.frame(frame.chunk, frame.timestamp, frame.samples.length);
          replies?.push(frame.samples);
        }
      } catch {
        check.errors++;
      } finally {
        replies?.end();
        open--;
        if (isStarted) started--;
      }
    };
    void consume();
  });

  const { port } = await server.listen();
  return {
    port,
    openCalls: () => open,
    startedCalls: () => started,
    close: () => server.close(),
  };
}

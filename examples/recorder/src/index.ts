/**
 * A call recorder. Point a `<Stream audioTrack="both">` (unidirectional) at it and every call is
 * written to `<dir>/<callId>.wav`: the caller on the left, the other party on the right.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createStreamServer,
  recordCall,
  type CallStream,
  type CreateStreamServerOptions,
  type StreamServer,
} from '@callstream/core';

/** A finished recording. */
export interface Recording {
  callId: string;
  streamId: string;
  path: string;
  tracks: CallStream['tracks'];
}

/** Options of {@link start}: where to listen and where the files go. */
export interface RecorderOptions extends Pick<
  CreateStreamServerOptions,
  'port' | 'host' | 'path' | 'logger'
> {
  /** Directory for the WAV files, created if missing. Default `'recordings'` (relative to the working directory). */
  dir?: string;
  /** Called when a call's file is complete. */
  onRecording?: (recording: Recording) => void;
  /** Called when a call could not be recorded. Default: logged to the stream's logger. */
  onError?: (err: unknown, stream: CallStream) => void;
}

/**
 * Starts the recorder; resolves with the listening server.
 *
 * @example
 * const server = await start({ port: 8080, path: '/stream', onRecording: (r) => console.log(r.path) });
 */
export async function start(options: RecorderOptions = {}): Promise<StreamServer> {
  const { dir = 'recordings', onRecording, onError, ...serverOptions } = options;
  await mkdir(dir, { recursive: true });
  const server = createStreamServer(serverOptions);
  server.on('stream', (stream) => {
    // A retried stream has the same callId: key the file on the streamId too, so it is not overwritten.
    const path = join(dir, `${stream.callId}-${stream.streamId}.wav`);
    recordCall(stream, path).then(
      () =>
        onRecording?.({
          callId: stream.callId,
          streamId: stream.streamId,
          path,
          tracks: stream.tracks,
        }),
      (err: unknown) =>
        onError ? onError(err, stream) : stream.log.error({ err }, 'recording failed'),
    );
  });
  await server.listen();
  return server;
}

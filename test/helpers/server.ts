import { onTestFinished } from 'vitest';
import {
  createStreamServer,
  type CallStream,
  type CreateStreamServerOptions,
} from '@callstream/core';
import { FakePlatform } from './fake-platform.js';

/** Starts a standalone server on 127.0.0.1:0, closed when the test ends. */
export async function startServer(options: CreateStreamServerOptions = {}) {
  const server = createStreamServer({ host: '127.0.0.1', port: 0, ...options });
  const { port } = await server.listen();
  onTestFinished(() => server.close());
  const url = `ws://127.0.0.1:${port}${typeof options.path === 'string' ? options.path : '/stream'}`;
  /** Resolves with the next stream the server hands to its `stream` listeners. */
  const nextStream = (): Promise<CallStream> =>
    new Promise((resolve) => server.once('stream', (stream) => resolve(stream)));
  const connect = async (headers?: Record<string, string>): Promise<FakePlatform> => {
    const platform = await FakePlatform.connect(url, headers);
    onTestFinished(() => void platform.close());
    return platform;
  };
  return { server, port, url, nextStream, connect };
}

/** Collects every frame of an iterator until the stream ends. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The JSON of a one-track (inbound) `start` for call `c`, stream `s`, in the given format. */
export function startMessage(encoding: string, sampleRate: number): string {
  return JSON.stringify({
    event: 'start',
    start: {
      callId: 'c',
      streamId: 's',
      tracks: ['inbound'],
      mediaFormat: { encoding, sampleRate },
    },
  });
}

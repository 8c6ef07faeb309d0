/**
 * A call whose bot plays a streaming source that has all its audio at once (10 s in 20 ms
 * chunks), in its own process so that the test sees everything it prints on stderr. Prints one
 * JSON line `{ type: 'done', pulled, status, playMessages }` and exits.
 */
import { createStreamServer } from '@callstream/core';
import { simulateCall } from '@callstream/simulator';

const server = createStreamServer({ host: '127.0.0.1', port: 0, path: '/stream' });
let pulled = 0;
const played = new Promise<{ status: string; playMessages: number }>((resolve) => {
  server.on('stream', (stream) => {
    async function* source(): AsyncGenerator<Int16Array> {
      for (let i = 0; i < 500; i++) {
        pulled++;
        yield new Int16Array(160).fill(1000);
      }
    }
    const playback = stream.playAudio(source());
    setTimeout(() => void playback.cancel(), 600);
    void Promise.resolve(playback).then((r) =>
      resolve({ status: r.status, playMessages: stream.stats.playMessages }),
    );
  });
});
const { port } = await server.listen();
const call = simulateCall({ url: `ws://127.0.0.1:${port}/stream`, hangupAfterMs: 1_000 });
const result = await played;
await call.done;
await server.close();
console.log(JSON.stringify({ type: 'done', pulled, ...result }));
process.exit(0);

/** Runs the transcription feed: `PORT=8080 node dist/main.js`, 16 kHz PCM files in ./transcripts. */
import { start } from './index.js';

const port = Number(process.env.PORT ?? 8080);
const server = await start({
  port,
  path: '/stream',
  onFeedEnd: (f) =>
    console.log(
      `call ${f.callId}: ${(f.samples / 16000).toFixed(2)} s of 16 kHz audio → transcripts/${f.callId}.pcm`,
    ),
  onError: (err, stream) => console.error(`feed for call ${stream.callId} failed:`, err),
});
console.log(`transcription feed listening on ws://localhost:${port}/stream`);
process.once('SIGINT', () => void server.close());

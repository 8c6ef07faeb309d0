/** Runs the recorder: `PORT=8080 node dist/main.js`, files in ./recordings. */
import { start } from './index.js';

const port = Number(process.env.PORT ?? 8080);
const server = await start({
  port,
  path: '/stream',
  onRecording: (r) =>
    console.log(`recorded call ${r.callId} (${r.tracks.join(' + ')}) → ${r.path}`),
  onError: (err, stream) => console.error(`could not record call ${stream.callId}:`, err),
});
console.log(`recorder listening on ws://localhost:${port}/stream`);
process.once('SIGINT', () => void server.close());

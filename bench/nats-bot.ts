/**
 * The bot of the NATS bench, typed against `Call`: the same function runs in the edge process
 * (variant "local") and in a worker process (variant "bridged"). It reads every inbound frame and
 * answers every 25th one (every 500 ms) with 20 ms of audio, named after that frame, and records
 * how long each `playAudio` took to settle `played`.
 */
import type { Call } from '../packages/core/dist/index.js';

/** The frame interval between reactions. */
export const REACT_EVERY = 25;
const REPLY = new Int16Array(160).fill(1000);

export async function reactorBot(call: Call, settleMs: number[]): Promise<void> {
  for await (const frame of call.frames({ track: 'inbound' })) {
    if (frame.chunk % REACT_EVERY !== 0) continue;
    const t0 = performance.now();
    const playback = call.playAudio(REPLY, { name: `r-${frame.chunk}` });
    void Promise.resolve(playback).then((r) => {
      if (r.status === 'played' && settleMs.length < 100_000) settleMs.push(performance.now() - t0);
    });
  }
}

import type { CallStream } from '@callstream/core';

/**
 * Echoes what the caller says back to them, as one streaming playback fed by the inbound
 * frames. Resolves when the call ends. Built only on the public CallStream API.
 */
export async function echoBot(stream: CallStream): Promise<void> {
  await stream.playAudio(inboundAudio(stream));
}

async function* inboundAudio(stream: CallStream): AsyncGenerator<Int16Array> {
  for await (const frame of stream.frames({ track: 'inbound' })) yield frame.samples;
}

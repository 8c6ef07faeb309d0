/**
 * The hand-written paths the pipeline bench compares callstream with (what a user writes with
 * `Buffer`, `alawmulaw` and `JSON`), and the test audio it feeds both.
 */
import alawmulaw from 'alawmulaw';
import type { MediaFormat } from '../packages/core/dist/index.js';

export const STREAM_ID = 'b77e037d-4119-44b5-902d-25826b654b0e';

/** What a user writes to decode a payload: a fresh Buffer, then alawmulaw or readInt16LE. */
export function naiveDecoder(format: MediaFormat): (payload: string) => Int16Array {
  if (format.encoding === 'audio/x-mulaw') {
    return (payload) => alawmulaw.mulaw.decode(Buffer.from(payload, 'base64'));
  }
  return (payload) => {
    const bytes = Buffer.from(payload, 'base64');
    const out = new Int16Array(bytes.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(2 * i);
    return out;
  };
}

/** What a user writes to send PCM: encode, base64, `JSON.stringify` the command. */
export function naivePlayAudio(format: MediaFormat): (pcm: Int16Array) => string {
  const wire =
    format.encoding === 'audio/x-mulaw'
      ? (pcm: Int16Array) => Buffer.from(alawmulaw.mulaw.encode(pcm))
      : (pcm: Int16Array) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  return (pcm) =>
    JSON.stringify({
      event: 'playAudio',
      streamId: STREAM_ID,
      media: {
        contentType: format.encoding,
        sampleRate: format.sampleRate,
        payload: wire(pcm).toString('base64'),
      },
    });
}

/** Speech-band test audio: a few tones and a little noise, as 20 ms frames. */
export function audioFrames(rate: number, count: number): Int16Array[] {
  const samples = rate / 50;
  return Array.from({ length: count }, (_, f) =>
    Int16Array.from({ length: samples }, (_, i) => {
      const t = (f * samples + i) / rate;
      const tones = [300, 1100, 2900].reduce((v, hz) => v + Math.sin(2 * Math.PI * hz * t), 0);
      return Math.round(6000 * tones + 500 * (Math.random() - 0.5));
    }),
  );
}

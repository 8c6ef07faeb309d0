/**
 * What a hand-written server does to get PCM from mu-law: a 256-entry table (G.711, as every
 * implementation computes it). No callstream code, so the baselines stay hand-written.
 */
export const MULAW_TO_PCM: Int16Array = Int16Array.from({ length: 256 }, (_, i) => {
  const byte = ~i & 0xff;
  const magnitude = ((((byte & 0x0f) << 3) + 0x84) << ((byte & 0x70) >> 4)) - 0x84;
  return byte & 0x80 ? -magnitude : magnitude;
});

/** Decodes mu-law bytes into a new Int16Array. */
export function decodeMulawTable(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = MULAW_TO_PCM[bytes[i]!]!;
  return out;
}

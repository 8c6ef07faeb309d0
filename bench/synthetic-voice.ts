/**
 * A voice-like test signal: a 140 Hz buzz with a few harmonics, shaped into ~4 syllables a
 * second, with pauses. Codec cost does not depend on the signal, but a realistic level keeps
 * mu-law bytes spread over the table as speech does (silence would be all 0xFF).
 */
export function syntheticVoice(seconds: number, sampleRate: number): Int16Array {
  const out = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 2 * t)) ** 2;
    const phrase = t % 3 < 2.4 ? 1 : 0; // a 0.6 s pause every 3 s
    let buzz = 0;
    for (let h = 1; h <= 5; h++) buzz += Math.sin(2 * Math.PI * 140 * h * t) / h;
    out[i] = Math.round(9_000 * syllable * phrase * buzz);
  }
  return out;
}

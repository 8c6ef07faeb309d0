/** Short synthetic sounds the bot plays: a beep before each reply and a DTMF confirmation. */

/** A sine tone with 5 ms fades, so it starts and stops without a click. */
export function tone(sampleRate: number, hz: number, ms: number, amplitude = 8000): Int16Array {
  const n = Math.round((sampleRate * ms) / 1000);
  const fade = Math.min(Math.round(sampleRate / 200), n / 2);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const gain = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = Math.round(amplitude * gain * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  }
  return out;
}

/** Joins PCM pieces into one buffer. */
export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The beep that starts a reply: 120 ms at 880 Hz, then 60 ms of silence. */
export function replyBeep(sampleRate: number): Int16Array {
  return concat(tone(sampleRate, 880, 120), new Int16Array(Math.round(sampleRate * 0.06)));
}

/** "Option 1 confirmed": two rising beeps, 360 ms in all. */
export function confirmationTone(sampleRate: number): Int16Array {
  return concat(
    tone(sampleRate, 660, 140),
    new Int16Array(Math.round(sampleRate * 0.06)),
    tone(sampleRate, 990, 160),
  );
}

/** The two frequencies (Hz) of each DTMF key, row then column (laid out as the keypad). */
// prettier-ignore
export const DTMF_FREQUENCIES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};

/**
 * `ms` milliseconds of the given sine frequencies, mixed at equal level, as 16-bit PCM.
 * `amplitude` is the peak of the mix (default 8000, about -12 dBFS).
 */
export function tone(
  frequencies: readonly number[],
  ms: number,
  sampleRate: number,
  amplitude = 8000,
): Int16Array {
  const out = new Int16Array(Math.round((sampleRate * ms) / 1000));
  const level = amplitude / frequencies.length;
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const f of frequencies) sum += Math.sin((2 * Math.PI * f * i) / sampleRate);
    out[i] = Math.round(level * sum);
  }
  return out;
}

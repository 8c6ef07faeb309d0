/**
 * Shared pieces of `callstream-sim`'s argument parsing: the usage error and the value readers.
 */
import type { DtmfDigit } from '@callstream/core';
import { isDtmfDigit } from '@callstream/core/internal';

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`${flag} takes a number >= 0, got "${value}"`);
  }
  return n;
}

export function oneOf<T>(
  table: Record<string, T>,
  value: string | undefined,
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  const found = table[value.toLowerCase()];
  if (found === undefined) {
    throw new UsageError(`${flag} must be one of ${Object.keys(table).join(', ')}, got "${value}"`);
  }
  return found;
}

export function parseDtmf(values: string[]): { atMs: number; digit: DtmfDigit }[] {
  return values
    .flatMap((value) => value.split(','))
    .map((entry) => {
      const match = /^([^@])@(\d+(?:\.\d+)?)$/.exec(entry.trim());
      const digit = match?.[1]?.toUpperCase();
      if (match === null || !isDtmfDigit(digit)) {
        throw new UsageError(`--dtmf takes digit@ms (e.g. 1@1500), got "${entry}"`);
      }
      return { digit, atMs: Number(match[2]) };
    });
}

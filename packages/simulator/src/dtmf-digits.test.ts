import { parseMessage } from '@callstream/core';
import { DTMF_DIGITS, serializeDtmf, serializeSendDtmf } from '@callstream/core/internal';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';
import { CommandChecker } from './command-checker.js';
import { resolveOptions } from './options.js';

/** Every printable ASCII character, and a few that look like digits. */
const CANDIDATES = [
  ...Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)),
  'E',
  '٣', // an Arabic-Indic three
  '１', // a fullwidth one
];
const KEYPAD = '0123456789*#ABCD';

const accepts = (run: () => unknown): boolean => {
  try {
    run();
    return true;
  } catch {
    return false;
  }
};
const acceptedBy = (ok: (c: string) => boolean): string =>
  [...CANDIDATES.filter(ok)].sort().join('');

const ids = { callId: 'c', streamId: 's', accountId: () => 'MA' };

describe('the DTMF digit set (PROTOCOL.md §2)', () => {
  it('is 0-9, *, #, A-D', () => {
    expect([...DTMF_DIGITS].sort().join('')).toBe([...KEYPAD].sort().join(''));
  });

  it('every part that emits or checks digits accepts exactly that set', () => {
    const expected = [...KEYPAD].sort().join('');
    // core
    expect(acceptedBy((c) => accepts(() => serializeSendDtmf(c)))).toBe(expected);
    const dtmf = (digit: string): string =>
      serializeDtmf({ sequenceNumber: 1, streamId: 's', digit, timestamp: 0 });
    expect(acceptedBy((c) => accepts(() => dtmf(c)))).toBe(expected);
    // the simulator: its options, its CLI and its command checker
    expect(
      acceptedBy((c) =>
        accepts(() => resolveOptions({ url: 'ws://x', dtmf: [{ atMs: 0, digit: c }] }, ids)),
      ),
    ).toBe(expected);
    const checker = new CommandChecker({ streamId: 's', dialect: 'plivo' });
    const checked = (digits: string): boolean =>
      checker.check(JSON.stringify({ event: 'sendDTMF', dtmf: digits })).violations.length === 0;
    expect(acceptedBy(checked)).toBe(expected);
    expect(checked('')).toBe(false);
    expect(checked('12#*AD')).toBe(true);
    // The CLI takes letters in either case and sends them uppercase.
    const cli = (c: string): boolean =>
      accepts(() => parseCliArgs(['ws://x', '--dtmf', `${c}@10`]));
    expect(acceptedBy(cli)).toBe([...`${KEYPAD}abcd`].sort().join(''));
  });

  it('parseMessage reads the same set, letters in either case, and numbers', () => {
    const parse = (digit: unknown): string | undefined => {
      try {
        const msg = parseMessage(
          JSON.stringify({ event: 'dtmf', dtmf: { track: 'inbound', digit } }),
        );
        return msg.event === 'dtmf' ? msg.digit : undefined;
      } catch {
        return undefined;
      }
    };
    expect(acceptedBy((c) => parse(c) !== undefined)).toBe([...`${KEYPAD}abcd`].sort().join(''));
    expect(parse('b')).toBe('B');
    expect(parse(7)).toBe('7');
    expect(parse(12)).toBeUndefined();
  });
});

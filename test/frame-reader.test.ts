import { createRequire } from 'node:module';
import { setImmediate as tick } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, type FrameSink } from '@callstream/core/internal';
import { frame, type FrameSpec } from './helpers/raw-client.js';

// callstream's frame reader against ws's own receiver, the oracle: for any byte stream a client
// may send, cut into socket reads anywhere, the reader followed by the receiver it hands off to
// must report exactly what the receiver alone reports.

interface Receiver {
  on(event: string, listener: (...args: never[]) => void): void;
  write(chunk: Buffer): boolean;
}
// ws's CommonJS entry has its Receiver; the ESM one exports it without a type.
const { Receiver } = createRequire(import.meta.url)('ws') as {
  Receiver: new (options: {
    isServer: boolean;
    maxPayload: number;
    skipUTF8Validation: boolean;
  }) => Receiver;
};

const MAX_PAYLOAD = 1024;
/** Low enough that short and 16-bit-length frames both go over it in the property. */
const SMALL_MAX_PAYLOAD = 100;
const hex = (b: Buffer): string => b.toString('hex');

/**
 * A ws receiver that writes what it reports into `log`, as a server reads: once it has
 * concluded or failed, nothing more is written to it (ws takes its listener off the socket).
 */
function oracle(log: string[], checkUtf8: boolean, maxPayload: number): (chunk: Buffer) => void {
  const receiver = new Receiver({
    isServer: true,
    maxPayload,
    skipUTF8Validation: !checkUtf8,
  });
  let done = false;
  receiver.on('message', (data: Buffer, isBinary: boolean) =>
    log.push(`message ${isBinary ? 'binary' : 'text'} ${hex(data)}`),
  );
  receiver.on('ping', (data: Buffer) => log.push(`ping ${hex(data)}`));
  receiver.on('pong', (data: Buffer) => log.push(`pong ${hex(data)}`));
  receiver.on('conclude', (code: number, reason: Buffer) => {
    done = true;
    log.push(`conclude ${code} ${hex(reason)}`);
  });
  receiver.on('error', (err: Error & { code: string }) => {
    done = true;
    log.push(`error ${err.code} ${err.message}`);
  });
  return (chunk) => {
    if (!done) receiver.write(chunk);
  };
}

/** The reader, handing off to a receiver of its own, both writing into `log`. */
function reader(log: string[], checkUtf8: boolean, maxPayload: number): (chunk: Buffer) => void {
  const rest = oracle(log, checkUtf8, maxPayload);
  const sink: FrameSink = {
    message: (data, isBinary) => {
      log.push(`message ${isBinary ? 'binary' : 'text'} ${hex(data)}`);
      return true;
    },
    ping: (data) => log.push(`ping ${hex(data)}`),
    pong: (data) => log.push(`pong ${hex(data)}`),
    handOff: (bytes) => rest(Buffer.from(bytes)),
  };
  const frames = new FrameReader({ maxPayload, checkUtf8 }, sink);
  return (chunk) => frames.push(chunk);
}

/** Cuts `bytes` at `cuts` (offsets, any order) into fresh chunks. */
function chunksOf(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) out.push(Buffer.from(bytes.subarray(from, to)));
    from = Math.max(from, to);
  }
  return out;
}

async function logOf(
  make: (log: string[], checkUtf8: boolean, maxPayload: number) => (chunk: Buffer) => void,
  chunks: readonly Buffer[],
  { checkUtf8 = false, maxPayload = MAX_PAYLOAD } = {},
): Promise<string[]> {
  const log: string[] = [];
  const feed = make(log, checkUtf8, maxPayload);
  for (const chunk of chunks) feed(Buffer.from(chunk)); // each reader unmasks its own copy
  await tick(); // a receiver reports its errors on the next tick
  return log;
}

const text = (payload: string | Buffer, more: Partial<FrameSpec> = {}): Buffer =>
  frame({ opcode: 1, payload, ...more });
const ping = (payload: string): Buffer => frame({ opcode: 9, payload });
const close = (code: number, reason = ''): Buffer => {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code);
  payload.write(reason, 2);
  return frame({ opcode: 8, payload });
};

/** Frames a client may send, well formed or not. */
const anyFrame: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 150, size: 'max' }).map((s) => text(s)) },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 300, size: 'max' }).map((b) => text(Buffer.from(b))),
  },
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ maxLength: 200, size: 'max' })
      .map((b) => frame({ opcode: 2, payload: Buffer.from(b) })),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 125 }).map(ping) },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 125 }).map((s) => frame({ opcode: 10, payload: s })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 50 }), fc.string({ maxLength: 50 }), fc.boolean())
      .map(([a, b, pingBetween]) =>
        Buffer.concat([
          text(a, { fin: false }),
          pingBetween ? ping('between') : Buffer.alloc(0),
          frame({ opcode: 0, payload: b }),
        ]),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      close(1000, 'bye'),
      close(1005),
      frame({ opcode: 8 }),
      frame({ opcode: 8, payload: Buffer.from([3]) }),
      frame({ opcode: 3, payload: 'x' }),
      frame({ opcode: 1, payload: '{}', masked: false }),
      frame({ opcode: 1, payload: '{}', rsv: 0b100 }),
      frame({ opcode: 9, payload: Buffer.alloc(126) }),
      frame({ opcode: 9, payload: 'p', fin: false }),
      frame({ opcode: 0, payload: 'x' }),
      frame({ opcode: 1, length: 100_000n }),
      frame({ opcode: 1, length: 2000n }),
      frame({ opcode: 1, length: 2n ** 62n }),
      text(Buffer.from([0xc3, 0x28])),
    ),
  },
);

describe('FrameReader', () => {
  it.each([
    [false, SMALL_MAX_PAYLOAD],
    [true, SMALL_MAX_PAYLOAD],
    [false, MAX_PAYLOAD],
  ])(
    'reports what ws reports for any frames, cut into reads anywhere (UTF-8 checked: %s, maxPayload %i)',
    async (checkUtf8, maxPayload) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(anyFrame, { minLength: 1, maxLength: 12 }),
          fc.array(fc.nat(), { maxLength: 8 }),
          async (frames, cuts) => {
            const chunks = chunksOf(Buffer.concat(frames), cuts);
            const options = { checkUtf8, maxPayload };
            const expected = await logOf(oracle, chunks, options);
            expect(await logOf(reader, chunks, options)).toEqual(expected);
          },
        ),
        { numRuns: 1000 },
      );
    },
  );

  it('reads a media stream cut at every byte, one cut at a time', async () => {
    const bytes = Buffer.concat([
      text('x'.repeat(300)), // a 16-bit length
      ping('hb'),
      text('{"event":"media"}'),
      frame({ opcode: 2, payload: Buffer.alloc(5, 7) }),
    ]);
    const whole = await logOf(oracle, [bytes]);
    expect(whole).toEqual([
      `message text ${hex(Buffer.from('x'.repeat(300)))}`,
      `ping ${hex(Buffer.from('hb'))}`,
      `message text ${hex(Buffer.from('{"event":"media"}'))}`,
      'message binary 0707070707',
    ]);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await logOf(reader, chunksOf(bytes, [cut]))).toEqual(whole);
    }
    const trickle = [...bytes].map((b) => Buffer.from([b]));
    expect(await logOf(reader, trickle)).toEqual(whole);
  });

  it('hands off from the first byte of the first frame it does not read, its bytes as they came', () => {
    const first = text('{"event":"media"}');
    const rest = Buffer.concat([close(1000, 'bye'), text('after')]);
    const wire = Buffer.concat([first, rest]);
    const handed: Buffer[] = [];
    const read: string[] = [];
    const frames = new FrameReader(
      { maxPayload: MAX_PAYLOAD, checkUtf8: false },
      {
        message: (data) => read.push(data.toString()) > 0,
        ping: () => {},
        pong: () => {},
        handOff: (bytes) => handed.push(Buffer.from(bytes)),
      },
    );
    // Cut inside the close frame's header: the reader holds those bytes until it knows.
    frames.push(Buffer.from(wire.subarray(0, first.length + 1)));
    expect(handed).toEqual([]);
    frames.push(Buffer.from(wire.subarray(first.length + 1)));
    frames.push(Buffer.from('more'));
    expect({ read, handedOff: frames.handedOff, handed: Buffer.concat(handed) }).toEqual({
      read: ['{"event":"media"}'],
      handedOff: true,
      handed: Buffer.concat([rest, Buffer.from('more')]),
    });
  });

  it('hands off a message its sink leaves unread, masked again, and what follows', () => {
    const wire = Buffer.concat([text('first'), text('second'), ping('p')]);
    const handed: Buffer[] = [];
    const frames = new FrameReader(
      { maxPayload: MAX_PAYLOAD, checkUtf8: false },
      {
        message: (data) => data.toString() === 'first',
        ping: () => {},
        pong: () => {},
        handOff: (bytes) => handed.push(Buffer.from(bytes)),
      },
    );
    frames.push(Buffer.from(wire));
    expect(Buffer.concat(handed)).toEqual(wire.subarray(text('first').length));
  });
});

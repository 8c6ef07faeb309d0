import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { clientTextFrame } from '../bench/client-frame.js';
import { atMostOne, checkTargets } from '../bench/report.js';
import type { CpuRatio } from '../bench/server-bench.js';

// The bench's own tools, where a mistake would change what the bench reports: the frames the
// load generator writes to its sockets, and how a CPU ratio taken near a core's limit is judged.

interface Receiver {
  on(event: string, listener: (...args: never[]) => void): void;
  write(chunk: Buffer): boolean;
}
const { Receiver } = createRequire(import.meta.url)('ws') as {
  Receiver: new (options: { isServer: boolean; skipUTF8Validation: boolean }) => Receiver;
};

const text = (length: number, seed = 0): string =>
  Array.from({ length }, (_, i) => String.fromCharCode(0x20 + ((i * 7 + seed) % 95))).join('');

describe('clientTextFrame (the load generator frames)', () => {
  it('writes FIN + text, the masked bit, a 16-bit length and a zero key before the text', () => {
    const frame = clientTextFrame(text(300));
    expect(frame.subarray(0, 8).toString('hex')).toBe('81fe012c00000000');
    expect(frame.length).toBe(308);
    expect(frame.subarray(8).toString('latin1')).toBe(text(300));
  });

  it("is read back by ws's receiver as the same messages, in order, however the bytes are cut", () => {
    const messages = [text(126, 1), text(300, 2), text(0xffff, 3), text(400, 4)];
    const bytes = Buffer.concat(messages.map((m) => clientTextFrame(m)));
    for (const cut of [1, 7, 8, 9, 500, bytes.length - 1]) {
      const received: string[] = [];
      const errors: unknown[] = [];
      const receiver = new Receiver({ isServer: true, skipUTF8Validation: false });
      receiver.on('message', (data: Buffer, isBinary: boolean) => {
        expect(isBinary).toBe(false);
        received.push(data.toString('latin1'));
      });
      receiver.on('error', (error: unknown) => errors.push(error));
      receiver.write(bytes.subarray(0, cut));
      receiver.write(bytes.subarray(cut));
      expect(errors).toEqual([]);
      expect(received).toEqual(messages);
    }
  });

  it('refuses texts a 16-bit length field does not hold', () => {
    expect(() => clientTextFrame(text(125))).toThrow(RangeError);
    expect(() => clientTextFrame(text(0x10000))).toThrow(RangeError);
  });

  it("reaches a ws server when written to a ws client's own socket, after what ws sent", async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const received: string[] = [];
    const closed = new Promise<number>((resolve) => {
      server.on('connection', (peer) => {
        peer.on('message', (data) => received.push(String(data)));
        peer.on('close', (code) => resolve(code));
      });
    });
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    await once(client, 'open');
    client.send('{"event":"start"}');
    const tcp = (client as unknown as { _socket: Socket })._socket;
    tcp.write(clientTextFrame(text(200, 5)));
    tcp.write(Buffer.concat([clientTextFrame(text(250, 6)), clientTextFrame(text(260, 7))]));
    client.close(1000, 'done');
    expect(await closed).toBe(1000);
    expect(received).toEqual(['{"event":"start"}', text(200, 5), text(250, 6), text(260, 7)]);
    server.close();
  });
});

const ratio = (
  value: number,
  saturated: { variant?: boolean; baseline?: boolean } = {},
  calls = 1000,
): CpuRatio => ({
  calls,
  variant: 'b',
  baseline: 'h',
  ratio: value,
  runs: [value, value, value],
  variantSaturated: saturated.variant ?? false,
  baselineSaturated: saturated.baseline ?? false,
});

describe('atMostOne (a CPU ratio against its 1.00 target)', () => {
  it('judges a ratio when neither server was saturated', () => {
    expect(atMostOne(ratio(0.93))).toBe(true);
    expect(atMostOne(ratio(1))).toBe(true);
    expect(atMostOne(ratio(1.01))).toBe(false);
  });

  it('leaves a ratio unjudged when the variant was saturated: its CPU was capped, the ratio too low', () => {
    expect(atMostOne(ratio(0.8, { variant: true }))).toBeUndefined();
    expect(atMostOne(ratio(0.8, { variant: true, baseline: true }))).toBeUndefined();
    expect(atMostOne(ratio(1.2, { variant: true }))).toBeUndefined();
  });

  it('takes a ratio as an upper bound when only the baseline was saturated', () => {
    expect(atMostOne(ratio(0.93, { baseline: true }))).toBe(true);
    expect(atMostOne(ratio(1.05, { baseline: true }))).toBeUndefined();
  });
});

describe('checkTargets (the inbound ratio against the hand-written server)', () => {
  const inbound = (ratios: CpuRatio[]) =>
    checkTargets({ points: [], ratios }, [], [], []).filter((c) =>
      c.target.startsWith('CPU(b)/CPU(h)'),
    );

  it('says which server reached its core, and what that makes of the ratio', () => {
    const [upper, capped] = [
      inbound([ratio(0.93, { baseline: true })])[0]!,
      inbound([ratio(0.84, { variant: true })])[0]!,
    ];
    expect(upper.measured).toBe(
      '0.93 (runs: 0.93, 0.93, 0.93); only the baseline (h) reached 90 % of its core, so this ratio is an upper bound',
    );
    expect(upper.met).toBe(true);
    expect(capped.measured).toBe(
      '0.84 (runs: 0.84, 0.84, 0.84); (b) reached 90 % of its core, so this ratio is capped, not measured',
    );
    expect(capped.met).toBeUndefined();
  });

  it('reports the other call counts where (b) stayed below saturation', () => {
    const checks = inbound([
      ratio(1.02, {}, 500),
      ratio(0.7, { variant: true }, 750),
      ratio(0.9, { baseline: true }, 1000),
    ]);
    expect(checks.map((c) => [c.target.split(',')[0], c.met])).toEqual([
      ['CPU(b)/CPU(h) ≤ 1.00 at 1000 calls', true],
      ['CPU(b)/CPU(h) ≤ 1.00 at 500 calls', false],
    ]);
  });
});

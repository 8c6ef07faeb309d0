import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { createRequire } from 'node:module';
import { describe, expect, it, onTestFinished } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { runCapacity, type CapacityStep } from '../bench/capacity.js';
import { clientTextFrame } from '../bench/client-frame.js';
import type { LoadPointOptions, LoadPointResult } from '../bench/load-point.js';
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
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
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
    onTestFinished(() => client.terminate());
    await once(client, 'open');
    client.send('{"event":"start"}');
    const tcp = (client as unknown as { _socket: Socket })._socket;
    tcp.write(clientTextFrame(text(200, 5)));
    tcp.write(Buffer.concat([clientTextFrame(text(250, 6)), clientTextFrame(text(260, 7))]));
    client.close(1000, 'done');
    expect(await closed).toBe(1000);
    expect(received).toEqual(['{"event":"start"}', text(200, 5), text(250, 6), text(260, 7)]);
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

/**
 * A load point of `calls` calls on a made-up machine: the server's event loop passes 20 ms from
 * `serverLimit` calls on, the generator falls behind from `generatorLimit` on, and the machine is
 * busy elsewhere at the call counts in `busy` (the first time only).
 */
function fakeMachine(serverLimit: number, generatorLimit = Infinity, busy: number[] = []) {
  const measured: number[] = [];
  const loadPoint = async ({ variant, calls }: LoadPointOptions): Promise<LoadPointResult> => {
    const disturbed = busy.includes(calls) && !measured.includes(calls);
    measured.push(calls);
    const frames = calls * 250;
    return {
      variant,
      calls,
      failedCalls: 0,
      connectMs: 10,
      server: {
        wallMs: 5000,
        cpuPercent: (calls / serverLimit) * 90,
        eventLoopP50Ms: 1,
        eventLoopP99Ms: calls >= serverLimit || disturbed ? 25 : 5,
        eventLoopMaxMs: 30,
        rssBytes: 1e8,
        heapUsedBytes: 5e7,
        frames,
        lateFrames: 0,
        lateP99Ms: 10,
        lateMaxMs: 20,
      },
      generator: {
        wallMs: 5000,
        cpuPercent: 50,
        eventLoopP99Ms: 2,
        sendLagP99Ms: calls >= generatorLimit ? 25 : 3,
        sendLagMaxMs: 30,
        lateSends: 0,
        sent: frames,
        playAudioRateMean: 50,
        playAudioRateMin: 50,
      },
      totals: {
        calls,
        frames,
        samples: frames * 160,
        gaps: 0,
        reordered: 0,
        errors: 0,
        playbacks: calls,
        openCalls: 0,
      },
      sent: frames,
      lost: 0,
      playAudioReceived: frames,
      otherCpuPercent: disturbed ? 40 : 1,
    };
  };
  return { measured, loadPoint };
}

const ramp = { start: 500, factor: 1.25, refine: 2, maxCalls: 6000, warmupMs: 0, windowMs: 0 };

describe('runCapacity (the ramp and its narrowing)', () => {
  it('ramps by the factor until a step fails, then bisects between the last pass and the failure', async () => {
    const machine = fakeMachine(1000);
    const steps: CapacityStep[] = [];
    const result = await runCapacity('c', ramp, 1, (s) => steps.push(s), machine.loadPoint);
    expect(machine.measured).toEqual([500, 625, 781, 976, 1220, 1098, 1037]);
    expect(steps.map((s) => s.verdict.pass)).toEqual([true, true, true, true, false, false, false]);
    expect(result.callsPerCore).toBe(976);
    expect(result.firstFailure).toBe(1037);
    expect(result.limitedBy).toBe('event-loop p99 25.0 ms');
    // 976 calls at 87.84 % of the core: 1,111 at 100 %.
    expect(result.cpuBoundEstimate).toBe(1111);
  });

  it('narrows down a failure where only the generator fell behind, and a pass needs it on time', async () => {
    const machine = fakeMachine(5000, 1100);
    const result = await runCapacity('c', ramp, 1, () => undefined, machine.loadPoint);
    expect(machine.measured).toEqual([500, 625, 781, 976, 1220, 1098, 1159]);
    expect(result.callsPerCore).toBe(1098);
    expect(result.firstFailure).toBe(1159);
    expect(result.limitedBy).toBe('generator behind (send lag p99 25 ms)');
  });

  it('measures a step that failed while the machine was busy once more', async () => {
    const machine = fakeMachine(1000, Infinity, [781]);
    const result = await runCapacity('c', ramp, 1, () => undefined, machine.loadPoint);
    expect(machine.measured).toEqual([500, 625, 781, 781, 976, 1220, 1098, 1037]);
    expect(result.steps[2]!.verdict).toMatchObject({ pass: false, disturbed: true });
    expect(result.callsPerCore).toBe(976);
  });
});

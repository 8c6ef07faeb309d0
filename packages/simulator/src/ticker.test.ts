import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Ticker } from './ticker.js';

function run(speed: number, ticks: number): Promise<{ at: number[]; ticker: Ticker }> {
  return new Promise((resolve) => {
    const at: number[] = [];
    let started = 0;
    const ticker = new Ticker(
      (k) => {
        expect(k).toBe(at.length);
        at.push(performance.now() - started);
        if (k === ticks - 1) {
          ticker.stop();
          resolve({ at, ticker });
        }
      },
      { periodMs: 20, speed },
    );
    started = performance.now();
    ticker.start();
  });
}

describe('Ticker', () => {
  it('runs tick 0 at once and never runs tick k before k · period / speed', async () => {
    const { at } = await run(10, 25); // one tick every 2 ms
    expect(at).toHaveLength(25);
    at.forEach((ms, k) => expect(ms).toBeGreaterThanOrEqual(k * 2));
  });

  it('runs as fast as possible at speed 0, yielding to the event loop between batches', async () => {
    let seenAt = -1;
    let ticker!: Ticker;
    setImmediate(() => (seenAt = ticker.nextTick));
    const done = new Promise<void>((resolve) => {
      ticker = new Ticker(
        (k) => {
          if (k === 199) {
            ticker.stop();
            resolve();
          }
        },
        { periodMs: 20, speed: 0 },
      );
    });
    ticker.start();
    await done;
    expect(seenAt).toBeGreaterThan(0);
    expect(seenAt).toBeLessThan(200); // another callback ran while the ticks were under way
    expect(ticker.nextTick).toBe(200);
  });

  it('runs no tick after stop(), even when stopped from inside a tick', async () => {
    let last = -1;
    const ticker = new Ticker(
      (k) => {
        last = k;
        if (k === 3) ticker.stop();
      },
      { periodMs: 20, speed: 0 },
    );
    ticker.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(last).toBe(3);
    expect(ticker.nextTick).toBe(4);
  });
});

import { describe, expect, it } from 'vitest';
import { FrameQueue } from './frame-queue.js';

describe('FrameQueue', () => {
  it('hands items to a waiting reader in push order', async () => {
    const q = new FrameQueue<number>(4, () => {});
    const first = q.next();
    q.push(1);
    q.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
  });

  it('drops the oldest items when full and counts each drop', async () => {
    let drops = 0;
    const q = new FrameQueue<number>(3, () => drops++);
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(drops).toBe(2);
    const got: number[] = [];
    q.end();
    for (let r = await q.next(); !r.done; r = await q.next()) got.push(r.value);
    expect(got).toEqual([3, 4, 5]);
  });

  it('keeps the newest items when its capacity shrinks, counting the dropped ones', async () => {
    let drops = 0;
    const q = new FrameQueue<number>(4, () => drops++);
    for (let i = 1; i <= 6; i++) q.push(i); // 3, 4, 5, 6 (two dropped)
    q.setCapacity(2);
    expect(drops).toBe(4);
    q.push(7);
    expect(drops).toBe(5);
    q.setCapacity(5);
    q.push(8);
    q.push(9);
    q.end();
    const got: number[] = [];
    for (let r = await q.next(); !r.done; r = await q.next()) got.push(r.value);
    expect(got).toEqual([6, 7, 8, 9]);
  });

  it('keeps push order while its ring grows from a wrapped head, and drops only at the bound', async () => {
    let drops = 0;
    const q = new FrameQueue<number>(10, () => drops++);
    for (let i = 1; i <= 3; i++) q.push(i);
    expect(await q.next()).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    for (let i = 4; i <= 14; i++) q.push(i); // the ring wraps, grows twice, then is full at 10
    expect(drops).toBe(2);
    expect(q.size).toBe(10);
    q.end();
    const got: number[] = [];
    for (let r = await q.next(); !r.done; r = await q.next()) got.push(r.value);
    expect(got).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('delivers what is buffered before reporting the end', async () => {
    const q = new FrameQueue<string>(8, () => {});
    q.push('a');
    q.end();
    q.push('ignored after end');
    expect(await q.next()).toEqual({ value: 'a', done: false });
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('throws the failure once after the buffered items, then reports done', async () => {
    const q = new FrameQueue<string>(8, () => {});
    q.push('a');
    const boom = new Error('boom');
    q.end(boom);
    expect(await q.next()).toEqual({ value: 'a', done: false });
    await expect(q.next()).rejects.toBe(boom);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects a waiting reader when ended with a failure', async () => {
    const q = new FrameQueue<string>(8, () => {});
    const pending = q.next();
    const boom = new Error('boom');
    q.end(boom);
    await expect(pending).rejects.toBe(boom);
  });

  it('close() discards buffered items', async () => {
    const q = new FrameQueue<number>(8, () => {});
    q.push(1);
    q.close();
    expect(q.size).toBe(0);
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });
});

import { describe, expect, it } from 'vitest';
import { bundle, TestProcess } from './nats/processes.js';

describe('playAudio of a streaming source', () => {
  it('reads a source that has all its audio at once only a bounded time ahead, without recursing (nothing on stderr)', async () => {
    const script = await bundle('test/helpers/fast-source-process.ts');
    const child = new TestProcess(script, {});
    const done = await child.next<{
      type: 'done';
      pulled: number;
      status: string;
      playMessages: number;
    }>('done');
    await child.exited;
    expect(child.stderr).toBe('');
    expect(done.status).toBe('interrupted');
    // 600 ms of it were sent (30 chunks, + the 200 ms lead); the rest of the 500 chunks stayed
    // in the source: at most the lead and the 1 s read-ahead were pulled from it.
    expect(done.playMessages).toBeGreaterThanOrEqual(30);
    expect(done.playMessages).toBeLessThan(50);
    expect(done.pulled).toBeLessThan(100);
  });
});

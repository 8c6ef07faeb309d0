import { afterEach, describe, expect, it } from 'vitest';
import { simulateCall } from './simulate-call.js';
import { startTestServer } from './test-helpers.js';
import type { TestServer } from './test-helpers.js';

let server: TestServer;
afterEach(async () => server?.close());

describe('simulateCall lifecycle', () => {
  it('hangs up early on hangup(), with stop and close code 1000', async () => {
    server = await startTestServer();
    const call = simulateCall({
      url: server.url,
      audio: { samples: new Int16Array(8 * 10_000), sampleRate: 8000 },
    });
    const peer = await server.peer;
    await peer.next((m) => m.event === 'media' && m.media.chunk === 3);
    const result = await call.hangup();
    expect(result.close).toEqual({ code: 1000, reason: 'hangup', by: 'simulator' });
    expect(result.framesSent).toBeGreaterThanOrEqual(3);
    expect(result.framesSent).toBeLessThan(100);
    expect((await peer.closed).code).toBe(1000);
    expect(peer.messages.at(-1)!.event).toBe('stop');
    expect(await call.done).toBe(result);
  });

  it('reports a close by the server with its code and reason', async () => {
    server = await startTestServer((peer) => {
      void peer.next((m) => m.event === 'media').then(() => peer.socket.close(4000, 'bye'));
    });
    const result = await simulateCall({ url: server.url, hangupAfterMs: 60_000 }).done;
    expect(result.close).toEqual({ code: 4000, reason: 'bye', by: 'server' });
  });

  it('rejects done with a clear error when nothing listens', async () => {
    server = await startTestServer();
    const url = server.url;
    await server.close();
    await expect(simulateCall({ url }).done).rejects.toThrow(
      new RegExp(`could not connect to ${url.replace(/[.?]/g, '\\$&')}: .*ECONNREFUSED`),
    );
  });

  it('rejects done when the server refuses the upgrade', async () => {
    const { createServer } = await import('node:http');
    const http = createServer((_req, res) => res.writeHead(401).end());
    http.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as { port: number };
    try {
      await expect(simulateCall({ url: `ws://127.0.0.1:${port}/` }).done).rejects.toThrow(/401/);
    } finally {
      http.close();
    }
  });

  it('rejects done when the WAV file cannot be read', async () => {
    await expect(
      simulateCall({ url: 'ws://127.0.0.1:1/', audio: '/nonexistent/caller.wav' }).done,
    ).rejects.toThrow(/ENOENT/);
  });

  it('throws a TypeError naming an invalid option', () => {
    expect(() => simulateCall({ url: 'http://x' })).toThrow(/"url"/);
    expect(() =>
      simulateCall({ url: 'ws://x', format: { encoding: 'audio/x-mulaw', sampleRate: 16000 } }),
    ).toThrow(/"format"/);
    expect(() => simulateCall({ url: 'ws://x', speed: -1 })).toThrow(/"speed"/);
    expect(() => simulateCall({ url: 'ws://x', dtmf: [{ atMs: 0, digit: 'E' }] })).toThrow(
      /"dtmf"/,
    );
    expect(() => simulateCall({ url: 'ws://x', tracks: [] })).toThrow(TypeError);
  });
});

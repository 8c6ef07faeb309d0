/**
 * Test support (not built into dist): a plain node:http app that serves an answer document and
 * receives status callbacks, recording every request with its body parameters.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AppRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Form parameters: the body of a POST, the query of a GET. */
  params: Record<string, string>;
  body: string;
}

export interface TestApp {
  origin: string;
  requests: AppRequest[];
  /** The callbacks received at `/status` (and `/status?...`). */
  statuses(): AppRequest[];
  /** Resolves when `count` requests to `/status` have arrived. */
  waitForStatuses(count: number): Promise<AppRequest[]>;
  close(): Promise<void>;
}

/** `answer(req)` gives the `/answer` response: a body (200, text/xml) or a status and body. */
export async function startTestApp(
  answer: (req: AppRequest) => string | { status: number; body: string } = () => '<Response/>',
): Promise<TestApp> {
  const requests: AppRequest[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = req.url ?? '';
      const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
      const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? query : body));
      const recorded = { method: req.method ?? '', url, headers: req.headers, params, body };
      requests.push(recorded);
      for (const w of waiters.splice(0)) w();
      if (url.startsWith('/answer')) {
        const reply = answer(recorded);
        const { status, body: text } =
          typeof reply === 'string' ? { status: 200, body: reply } : reply;
        res.writeHead(status, { 'Content-Type': 'application/xml' }).end(text);
      } else res.writeHead(200).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const statuses = (): AppRequest[] => requests.filter((r) => r.url.startsWith('/status'));
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    statuses,
    waitForStatuses: async (count) => {
      while (statuses().length < count) await new Promise<void>((r) => waiters.push(r));
      return statuses();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

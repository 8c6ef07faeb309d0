import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import fc from 'fast-check';
// The oracle: the official SDK's own validator.
import { validateV3Signature } from 'plivo/dist/utils/v3Security.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { plivoSignedUrl } from './plivo-signed-url.js';
import { verifyPlivoSignature } from './verify-plivo-signature.js';

const TOKEN = 'MzY5ZjFkNGQ3YTI0NjNlZTQ1OWQ1ZjE4YzNiOTFk';
const NONCE = '05429567804466091622';

/** base64(HMAC-SHA256(token, url + '.' + nonce)): how the platform signs an already sorted URL. */
function sign(url: string, nonce = NONCE, token = TOKEN): string {
  return createHmac('sha256', token).update(`${url}.${nonce}`).digest('base64');
}

function fakeRequest(
  url: string,
  headers: Record<string, string | undefined>,
  method = 'GET',
): IncomingMessage {
  return { method, url, headers } as unknown as IncomingMessage;
}

function plivoHeaders(signature: string, host = '127.0.0.1:41234'): Record<string, string> {
  return {
    host,
    'x-plivo-signature-v3': signature,
    'x-plivo-signature-v3-nonce': NONCE,
  };
}

const PUBLIC = { authToken: TOKEN, publicUrl: 'wss://bot.example.com' };

describe('verifyPlivoSignature', () => {
  it('accepts a request signed for the public wss URL that arrives as plain http behind a proxy', () => {
    const signed = 'wss://bot.example.com/stream?x=1';
    expect(validateV3Signature('GET', signed, NONCE, TOKEN, sign(signed))).toBe(true);
    const req = fakeRequest('/stream?x=1', plivoHeaders(sign(signed)));
    expect(verifyPlivoSignature(req, PUBLIC)).toBe(true);
  });

  it('accepts the https form of a wss public URL, and the wss form of an https one', () => {
    const req = fakeRequest('/stream', plivoHeaders(sign('https://bot.example.com/stream')));
    expect(verifyPlivoSignature(req, PUBLIC)).toBe(true);
    const wss = fakeRequest('/stream', plivoHeaders(sign('wss://bot.example.com/stream')));
    expect(
      verifyPlivoSignature(wss, { authToken: TOKEN, publicUrl: 'https://bot.example.com/' }),
    ).toBe(true);
  });

  it('keeps the port of the public URL', () => {
    const req = fakeRequest('/s', plivoHeaders(sign('wss://bot.example.com:8443/s')));
    expect(
      verifyPlivoSignature(req, { authToken: TOKEN, publicUrl: 'wss://bot.example.com:8443' }),
    ).toBe(true);
    expect(verifyPlivoSignature(req, PUBLIC)).toBe(false);
  });

  it('refuses a wrong token, a tampered path and a tampered query', () => {
    const signed = 'wss://bot.example.com/stream?x=1';
    const wrongToken = fakeRequest('/stream?x=1', plivoHeaders(sign(signed, NONCE, 'other-token')));
    expect(verifyPlivoSignature(wrongToken, PUBLIC)).toBe(false);
    expect(
      verifyPlivoSignature(fakeRequest('/other?x=1', plivoHeaders(sign(signed))), PUBLIC),
    ).toBe(false);
    expect(
      verifyPlivoSignature(fakeRequest('/stream?x=2', plivoHeaders(sign(signed))), PUBLIC),
    ).toBe(false);
    expect(verifyPlivoSignature(fakeRequest('/stream', plivoHeaders(sign(signed))), PUBLIC)).toBe(
      false,
    );
  });

  it('refuses a signature made with another nonce', () => {
    const headers = plivoHeaders(sign('wss://bot.example.com/stream', '1'));
    expect(verifyPlivoSignature(fakeRequest('/stream', headers), PUBLIC)).toBe(false);
  });

  it('returns false when the signature, the nonce or the token is missing', () => {
    const good = plivoHeaders(sign('wss://bot.example.com/stream'));
    const without = (name: string): IncomingMessage =>
      fakeRequest('/stream', { ...good, [name]: undefined });
    expect(verifyPlivoSignature(without('x-plivo-signature-v3'), PUBLIC)).toBe(false);
    expect(verifyPlivoSignature(without('x-plivo-signature-v3-nonce'), PUBLIC)).toBe(false);
    expect(verifyPlivoSignature(fakeRequest('/stream', good), { ...PUBLIC, authToken: '' })).toBe(
      false,
    );
    expect(
      verifyPlivoSignature(fakeRequest('/stream', good), {} as unknown as { authToken: string }),
    ).toBe(false);
  });

  it('accepts a header holding several comma-separated signatures when one matches', () => {
    const valid = sign('wss://bot.example.com/stream');
    const headers = plivoHeaders(`${sign('wss://x/')},${valid}, ${sign('wss://y/')}`);
    expect(verifyPlivoSignature(fakeRequest('/stream', headers), PUBLIC)).toBe(true);
    const none = plivoHeaders(`${sign('wss://x/')},${sign('wss://y/')}`);
    expect(verifyPlivoSignature(fakeRequest('/stream', none), PUBLIC)).toBe(false);
  });

  it('does not trust the Host header when publicUrl is set', () => {
    const headers = plivoHeaders(sign('wss://evil.example.com/stream'), 'evil.example.com');
    expect(verifyPlivoSignature(fakeRequest('/stream', headers), PUBLIC)).toBe(false);
  });

  it.each(['http', 'https', 'ws', 'wss'])(
    'without publicUrl, accepts a signature for the %s URL of the Host header',
    (scheme) => {
      const headers = plivoHeaders(
        sign(`${scheme}://bot.example.com:8080/stream`),
        'bot.example.com:8080',
      );
      expect(verifyPlivoSignature(fakeRequest('/stream', headers), { authToken: TOKEN })).toBe(
        true,
      );
    },
  );

  it('without publicUrl, refuses a Host header that would inject a path', () => {
    const headers = plivoHeaders(sign('wss://bot.example.com/x/stream'), 'bot.example.com/x');
    expect(verifyPlivoSignature(fakeRequest('/stream', headers), { authToken: TOKEN })).toBe(false);
  });

  it('reads the Vobiz headers when asked to, and only then', () => {
    const signature = sign('wss://bot.example.com/stream');
    const vobiz = fakeRequest('/stream', {
      'x-vobiz-signature-v3': signature,
      'x-vobiz-signature-v3-nonce': NONCE,
    });
    expect(verifyPlivoSignature(vobiz, { ...PUBLIC, header: 'vobiz' })).toBe(true);
    expect(verifyPlivoSignature(vobiz, PUBLIC)).toBe(false);
    const plivo = fakeRequest('/stream', plivoHeaders(signature));
    expect(verifyPlivoSignature(plivo, { ...PUBLIC, header: 'vobiz' })).toBe(false);
  });

  it('sorts the query by key, repeated keys by value, and decodes it, as the plivo package does', () => {
    const target = '/stream?b=2&a=z&a=y&c=hello%20world&d=x+y&flag';
    const signed = 'wss://bot.example.com/stream?a=y&a=z&b=2&c=hello world&d=x y&flag=';
    const signature = sign(signed);
    expect(
      validateV3Signature('GET', `wss://bot.example.com${target}`, NONCE, TOKEN, signature),
    ).toBe(true);
    expect(verifyPlivoSignature(fakeRequest(target, plivoHeaders(signature)), PUBLIC)).toBe(true);
  });

  it('reads an @ in the query as data, where the plivo package mistakes it for user info', () => {
    const signed = 'wss://bot.example.com/stream?email=a@b.com';
    // plivo-node's URI parser (uri-parser 1.0.1) takes "bot.example.com/stream?email=a" for user
    // info; plivo-python's urlparse does not, and neither do we.
    expect(validateV3Signature('GET', signed, NONCE, TOKEN, sign(signed))).toBe(false);
    const req = fakeRequest('/stream?email=a@b.com', plivoHeaders(sign(signed)));
    expect(verifyPlivoSignature(req, PUBLIC)).toBe(true);
  });

  it('only verifies GET requests (a POST signature also covers its body)', () => {
    const headers = plivoHeaders(sign('wss://bot.example.com/stream'));
    expect(verifyPlivoSignature(fakeRequest('/stream', headers, 'POST'), PUBLIC)).toBe(false);
  });

  it('returns false for a publicUrl that is not scheme://host, and for unreadable requests', () => {
    const req = fakeRequest('/stream', plivoHeaders(sign('wss://bot.example.com/stream')));
    expect(verifyPlivoSignature(req, { authToken: TOKEN, publicUrl: 'bot.example.com' })).toBe(
      false,
    );
    expect(verifyPlivoSignature({ method: 'GET' } as IncomingMessage, PUBLIC)).toBe(false);
    expect(verifyPlivoSignature(fakeRequest('*', plivoHeaders('x')), PUBLIC)).toBe(false);
  });

  it('agrees with the plivo package on generated paths and queries', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9._~!$'()*,;:-]{0,8}$/);
    const encoded = fc
      .string({ unit: 'binary', maxLength: 6 })
      .map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x')));
    const component = fc.oneof(part, encoded, fc.constantFrom('a+b', '%ZZ', '%', '', '=', 'x=y'));
    const pair = fc.oneof(
      fc.tuple(component, component).map(([k, v]) => `${k}=${v}`),
      component,
      fc.constantFrom('dup=1', 'dup=0', 'dup=', 'DUP=1'),
    );
    const target = fc
      .tuple(
        fc.array(part, { maxLength: 3 }),
        fc.option(
          fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&')),
          { nil: undefined },
        ),
      )
      .map(([segments, query]) => `/${segments.join('/')}${query === undefined ? '' : `?${query}`}`)
      .filter((t) => !t.includes('__proto__'));
    const origin = fc.constantFrom(
      'wss://bot.example.com',
      'https://bot.example.com:8443',
      'ws://10.0.0.2:80',
    );
    fc.assert(
      fc.property(origin, target, fc.boolean(), (publicUrl, path, tamper) => {
        // Signed over our canonical URL, so the oracle's verdict checks that URL too.
        const signed = plivoSignedUrl(publicUrl, path) + (tamper ? '/' : '');
        const signature = sign(signed);
        const oracle = validateV3Signature('GET', publicUrl + path, NONCE, TOKEN, signature);
        expect(oracle).toBe(!tamper);
        const req = fakeRequest(path, plivoHeaders(signature));
        expect(verifyPlivoSignature(req, { authToken: TOKEN, publicUrl })).toBe(oracle);
      }),
      { numRuns: 1000 },
    );
  });

  it('verifies a real upgrade-style request on a socket', async () => {
    const server = createServer((req, res) => {
      res.end(String(verifyPlivoSignature(req, PUBLIC)));
    });
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const ask = async (signature: string): Promise<string> => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path: '/stream?x=1&a=2',
        headers: { 'X-Plivo-Signature-V3': signature, 'X-Plivo-Signature-V3-Nonce': NONCE },
      });
      req.end();
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      let body = '';
      for await (const chunk of res) body += String(chunk);
      return body;
    };
    expect(await ask(sign('wss://bot.example.com/stream?a=2&x=1'))).toBe('true');
    expect(await ask(sign('wss://bot.example.com/stream?x=1&a=2'))).toBe('false');
  });
});

/**
 * The string Plivo signs for a GET request (signature V3), built as the official SDKs build it
 * (plivo-node `utils/v3Security.js` `construct_get_url`, plivo-python `signature_v3.py`):
 *
 *   scheme://host[:port]/path  +  '?' + the query parameters sorted by key
 *
 * - Query keys and values are percent-decoded (`+` is a space), as Node's `querystring.parse`
 *   does, and written back undecorated: `k=v` joined by `&`, no re-encoding.
 * - A repeated key gives one `k=v` per value, the values sorted too.
 * - A key without `=` (`?flag`) is `flag=`; an empty query (or `?` alone) adds no `?`.
 * - Sorting is JavaScript's default (UTF-16 code units), as in plivo-node.
 * - Non-ASCII text is UTF-8 encoded twice (the SDK passes the URL through `utf8.encode` and then
 *   hashes the result as UTF-8); plain ASCII, the normal case, is unaffected.
 *
 * Two deliberate differences from plivo-node, both where its URI parser (uri-parser 1.0.1) is
 * wrong: an `@` in the path or query is not taken for user info, and a `__proto__` key is kept
 * (plivo-node loses it to `Object.prototype`). The parser's regular expression also has
 * quadratic backtracking on long paths; splitting the request target needs none.
 */

import { parse as parseQuery } from 'node:querystring';

/**
 * The URL to sign for a GET request reaching `origin` (`scheme://host[:port]`) with request
 * target `target` (`/path?query`, as in `req.url`).
 */
export function plivoSignedUrl(origin: string, target: string): string {
  const base = utf8Binary(origin);
  const rest = utf8Binary(target);
  const hash = rest.indexOf('#');
  const withoutHash = hash === -1 ? rest : rest.slice(0, hash);
  const question = withoutHash.indexOf('?');
  const path = question === -1 ? withoutHash : withoutHash.slice(0, question);
  const query = question === -1 ? '' : withoutHash.slice(question + 1);
  const sorted = sortedQuery(query);
  return sorted === '' ? base + path : `${base}${path}?${sorted}`;
}

function sortedQuery(query: string): string {
  if (query === '') return '';
  const params = parseQuery(query, '&', '=', { maxKeys: 0 });
  const pairs: string[] = [];
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    const values = Array.isArray(value) ? [...value].sort() : [value ?? ''];
    for (const v of values) pairs.push(`${key}=${v}`);
  }
  return pairs.join('&');
}

/**
 * The `utf8.encode` of plivo-node: each UTF-8 byte of `text` as one character. A lone surrogate
 * (on which `utf8.encode` throws) becomes U+FFFD's bytes; such a URL matches no signature anyway.
 */
export function utf8Binary(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

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

/** Parameters sent with a request (a form body, or extra query parameters): repeated keys as arrays. */
export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * The URL to sign for a GET request reaching `origin` (`scheme://host[:port]`) with request
 * target `target` (`/path?query`, as in `req.url`). `params` are merged into the query as
 * plivo-node merges them (values appended to those of the same key, then all sorted).
 */
export function plivoSignedUrl(origin: string, target: string, params: SignedParams = {}): string {
  const { base, query } = splitTarget(origin, target);
  const sorted = sortedQuery(query, params);
  return sorted === '' ? base : `${base}?${sorted}`;
}

/**
 * The string Plivo signs for a POST request with body parameters `params` (plivo-node
 * `construct_post_url`): the base URL; then `?` when there is a query or a parameter; the sorted
 * query and a `.` when there are both; then every parameter as `key` + `value` (keys sorted,
 * the values of a repeated key sorted), with no separators. Without parameters it is the GET form.
 * Parameter text is not UTF-8 encoded twice (plivo-node encodes only the URL, nonce and token).
 */
export function plivoSignedPostUrl(origin: string, target: string, params: SignedParams): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return plivoSignedUrl(origin, target);
  const { base, query } = splitTarget(origin, target);
  const sorted = sortedQuery(query, {});
  let body = '';
  for (const key of keys) {
    const value = params[key] as string | readonly string[];
    if (typeof value === 'string') body += key + value;
    else for (const v of [...value].sort()) body += key + v;
  }
  return `${base}?${sorted === '' ? '' : `${sorted}.`}${body}`;
}

/** `scheme://host[:port]/path` (UTF-8 encoded as plivo-node does) and the raw query of a target. */
function splitTarget(origin: string, target: string): { base: string; query: string } {
  const rest = utf8Binary(target);
  const hash = rest.indexOf('#');
  const withoutHash = hash === -1 ? rest : rest.slice(0, hash);
  const question = withoutHash.indexOf('?');
  const path = question === -1 ? withoutHash : withoutHash.slice(0, question);
  const query = question === -1 ? '' : withoutHash.slice(question + 1);
  return { base: utf8Binary(origin) + path, query };
}

function sortedQuery(query: string, extra: SignedParams): string {
  const merged = new Map<string, string[]>();
  if (query !== '') {
    const parsed = parseQuery(query, '&', '=', { maxKeys: 0 });
    for (const key of Object.keys(parsed)) {
      const value = parsed[key];
      merged.set(key, Array.isArray(value) ? [...value] : [value ?? '']);
    }
  }
  for (const key of Object.keys(extra)) {
    const value = extra[key] as string | readonly string[];
    const values = typeof value === 'string' ? [value] : [...value];
    merged.set(key, [...(merged.get(key) ?? []), ...values]);
  }
  const pairs: string[] = [];
  for (const key of [...merged.keys()].sort()) {
    for (const v of (merged.get(key) as string[]).sort()) pairs.push(`${key}=${v}`);
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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExtraHeaders } from './extra-headers.js';

/** A plain-object copy, so toStrictEqual compares entries and not the null prototype. */
const entries = (raw: string | undefined): Record<string, string> => ({
  ...parseExtraHeaders(raw),
});

describe('parseExtraHeaders', () => {
  it('reads k=v;k=v (Plivo)', () => {
    expect(entries('userId=12345;sessionId=abc')).toStrictEqual({
      userId: '12345',
      sessionId: 'abc',
    });
  });

  it('reads k=v,k=v (the <Stream extraHeaders> form)', () => {
    expect(entries('k1=v1,k2=v2')).toStrictEqual({ k1: 'v1', k2: 'v2' });
  });

  it('reads JSON text, stringifying values that are not strings and skipping null', () => {
    expect(
      entries('{"tenant":"acme","n":3,"on":true,"off":null,"list":[1,"a"],"o":{"x":1}}'),
    ).toStrictEqual({
      tenant: 'acme',
      n: '3',
      on: 'true',
      list: '[1,"a"]',
      o: '{"x":1}',
    });
  });

  it.each([
    [undefined],
    [''],
    ['   '],
    ['{}'],
    [' {} '],
    ['[]'],
    ['[{"a":"1"}]'],
    ['abc'],
    [';;,,'],
  ])('gives {} for %j', (raw) => {
    expect(entries(raw)).toStrictEqual({});
  });

  it('trims keys and values, and ignores empty segments, segments without = and empty keys', () => {
    expect(entries(' a = 1 ;; flag ; =orphan; b= 2 ')).toStrictEqual({ a: '1', b: '2' });
  });

  it('keeps an empty value and any = after the first', () => {
    expect(entries('empty=;token=abc==;url=x=y=z')).toStrictEqual({
      empty: '',
      token: 'abc==',
      url: 'x=y=z',
    });
  });

  it('splits on ; when there is one, so a comma stays inside a value', () => {
    expect(entries('list=a,b;x=1')).toStrictEqual({ list: 'a,b', x: '1' });
  });

  it('lets the last of repeated keys win', () => {
    expect(entries('a=1;a=2')).toStrictEqual({ a: '2' });
  });

  it('reads text that starts like JSON but is not as pairs', () => {
    expect(entries('{weird=1;b=2')).toStrictEqual({ '{weird': '1', b: '2' });
  });

  it('keeps __proto__ and constructor as plain keys, polluting nothing', () => {
    const headers = parseExtraHeaders('__proto__=x;constructor=y;toString=z');
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(Object.keys(headers)).toStrictEqual(['__proto__', 'constructor', 'toString']);
    expect(headers.__proto__).toBe('x');
    expect(headers.constructor).toBe('y');
    const fromJson = parseExtraHeaders('{"__proto__":{"polluted":"yes"}}');
    expect(Object.keys(fromJson)).toStrictEqual(['__proto__']);
    expect(fromJson.__proto__).toBe('{"polluted":"yes"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('has no inherited keys: a missing header reads undefined', () => {
    expect(parseExtraHeaders('a=1').hasOwnProperty).toBeUndefined();
  });

  it('never throws, and gives only string values', () => {
    const raw = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.json({ maxDepth: 2 }),
      fc
        .array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })))
        .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join(';')),
    );
    fc.assert(
      fc.property(raw, (text) => {
        const headers = parseExtraHeaders(text);
        expect(Object.getPrototypeOf(headers)).toBeNull();
        for (const value of Object.values(headers)) expect(typeof value).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on a value that is not a string at run time', () => {
    expect(entries(42 as unknown as string)).toStrictEqual({});
  });
});

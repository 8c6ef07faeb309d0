import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { XmlSyntaxError, parseXml, textOf } from './xml-reader.js';

// The oracle for well-formed input: documents the official SDK writes.
const require = createRequire(import.meta.url);
const plivo = require('plivo') as { Response: () => PlivoResponse };
interface PlivoResponse {
  addStream(url: string, attributes?: Record<string, unknown>): unknown;
  addSpeak(text: string): unknown;
  toXML(): string;
}

describe('parseXml', () => {
  it("reads the plivo SDK's <Stream> document: attributes in order, entities decoded", () => {
    const response = plivo.Response();
    response.addStream('wss://example.com/ws?s=1&t=2', {
      bidirectional: true,
      audioTrack: 'inbound',
      statusCallbackUrl: 'https://cb.example.com/s?x=1&y=2',
      extraHeaders: 'tenant=acme,agentId=42',
    });
    response.addSpeak('Bye & <thanks>');
    const root = parseXml(response.toXML());
    expect(root.name).toBe('Response');
    const [stream, speak] = root.children as [
      Exclude<(typeof root.children)[0], { text: string }>,
      Exclude<(typeof root.children)[0], { text: string }>,
    ];
    expect(stream.attributes).toEqual([
      ['bidirectional', 'true'],
      ['audioTrack', 'inbound'],
      ['statusCallbackUrl', 'https://cb.example.com/s?x=1&y=2'],
      ['extraHeaders', 'tenant=acme,agentId=42'],
    ]);
    expect(textOf(stream)).toBe('wss://example.com/ws?s=1&t=2');
    expect([speak.name, textOf(speak)]).toEqual(['Speak', 'Bye & <thanks>']);
  });

  it('reads a declaration, comments, CDATA, self-closing elements, single quotes and character references', () => {
    const root = parseXml(
      `\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- answer -->\n<Response>\n  <Wait length='2'/>` +
        `<Speak><![CDATA[a < b & c]]> &#233;&#x1F600;&apos;&quot;</Speak><Hangup /></Response>\n<!-- end -->\n`,
    );
    const elements = root.children.filter((c) => !('text' in c));
    expect(elements.map((e) => ('name' in e ? e.name : ''))).toEqual(['Wait', 'Speak', 'Hangup']);
    const speak = elements[1] as Parameters<typeof textOf>[0];
    expect(textOf(speak)).toBe(`a < b & c é\u{1F600}'"`);
    expect((elements[0] as Parameters<typeof textOf>[0]).attributes).toEqual([['length', '2']]);
  });

  it('normalises literal whitespace in attribute values but keeps referenced whitespace', () => {
    const root = parseXml('<R a="x\ty\nz" b="1&#xA;2&#9;3"/>');
    expect(root.attributes).toEqual([
      ['a', 'x y z'],
      ['b', '1\n2\t3'],
    ]);
  });

  it.each([
    ['', /expected the root element/],
    ['hello', /expected the root element/],
    ['<Response>', /<Response> is not closed/],
    ['<Response></Respons>', /<\/Respons> closes <Response>/],
    ['<Response><Stream></Response>', /<\/Response> closes <Stream>/],
    ['<Response/><Response/>', /content after the root element/],
    ['<Response/>trailing', /content after the root element/],
    ['<Response a="1" a="2"/>', /duplicate attribute a/],
    ['<Response a=1/>', /value of a is not quoted/],
    ['<Response a="1/>', /value of a is not closed/],
    ['<Response a="x<y"/>', /"<" in the value of a/],
    ['<Response a/>', /attribute a has no value/],
    ['<Response a="1"b="2"/>', /expected whitespace/],
    ['<Response>&nbsp;</Response>', /unknown entity &nbsp;/],
    ['<Response>a & b</Response>', /"&" that does not start a reference/],
    ['<Response>&#0;</Response>', /character reference &#0; is not allowed/],
    ['<Response>&#xD800;</Response>', /is not allowed/],
    ['<Response>\u0001</Response>', /control character/],
    ['<!DOCTYPE r [<!ENTITY x "y">]><r/>', /DOCTYPE is not allowed/],
    ['<Response><!-- a -- b --></Response>', /"--" inside a comment/],
    ['<Response><!-- open</Response>', /comment is not closed/],
    ['<Response><![CDATA[x</Response>', /CDATA section is not closed/],
    ['<1Response/>', /expected an element name/],
    ['<Response></ Response>', /expected an closing tag name/],
  ])('refuses %j', (text, message) => {
    let error: unknown;
    try {
      parseXml(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(XmlSyntaxError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses nesting deeper than 64 elements without overflowing the stack', () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    expect(() => parseXml(deep)).toThrow(/nested deeper than 64/);
    const ok = '<a>'.repeat(64) + '</a>'.repeat(64);
    expect(parseXml(ok).name).toBe('a');
  });
});

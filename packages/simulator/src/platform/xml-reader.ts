/**
 * A small strict XML reader for answer documents: elements, attributes (in document order), text,
 * CDATA, comments, the XML declaration, the five named entities and character references. It
 * refuses what a platform could not read (unclosed or mismatched tags, an unknown entity, a raw
 * `<` or `&` where it cannot be, a duplicate attribute, text outside the root, control
 * characters) and DOCTYPEs (no entity expansion). Errors are {@link XmlSyntaxError}s with the
 * offset; nothing else is thrown.
 */

/** One element: its name, attributes in document order, and children. */
export interface XmlElement {
  name: string;
  attributes: [name: string, value: string][];
  children: XmlNode[];
}

/** A child: an element or a run of text (entities decoded, CDATA included). */
export type XmlNode = XmlElement | { text: string };

/** The document cannot be read; `offset` is where the reader stopped. */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
  }
}

const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
const SPACE = /[ \t\r\n]*/y;
const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
const MAX_DEPTH = 64;

/** Parses a whole document and returns its root element. Throws {@link XmlSyntaxError}. */
export function parseXml(text: string): XmlElement {
  return new Reader(text).document();
}

class Reader {
  #at = 0;
  constructor(readonly s: string) {
    const bad = FORBIDDEN_CHAR.exec(s);
    if (bad !== null) throw new XmlSyntaxError('control character not allowed in XML', bad.index);
  }

  document(): XmlElement {
    if (this.s.startsWith('\ufeff')) this.#at = 1;
    if (this.s.startsWith('<?xml', this.#at)) this.#skipPast('?>', 'XML declaration');
    this.#misc();
    if (this.s[this.#at] !== '<') this.#fail('expected the root element');
    const root = this.#element(0);
    this.#misc();
    if (this.#at < this.s.length) this.#fail('content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions between top-level parts. */
  #misc(): void {
    for (;;) {
      this.#space();
      if (this.s.startsWith('<!--', this.#at)) this.#comment();
      else if (this.s.startsWith('<?', this.#at)) this.#skipPast('?>', 'processing instruction');
      else if (this.s.startsWith('<!DOCTYPE', this.#at)) this.#fail('DOCTYPE is not allowed');
      else return;
    }
  }

  #element(depth: number): XmlElement {
    if (depth >= MAX_DEPTH) this.#fail(`elements nested deeper than ${MAX_DEPTH}`);
    this.#at++; // '<'
    const name = this.#name('element name');
    const element: XmlElement = { name, attributes: [], children: [] };
    for (;;) {
      const before = this.#at;
      this.#space();
      const c = this.s[this.#at];
      if (c === '>') {
        this.#at++;
        break;
      }
      if (c === '/' && this.s[this.#at + 1] === '>') {
        this.#at += 2;
        return element;
      }
      if (this.#at === before) this.#fail(`expected whitespace, ">" or "/>" in <${name}>`);
      const attr = this.#name('attribute name');
      this.#space();
      if (this.s[this.#at] !== '=') this.#fail(`attribute ${attr} has no value`);
      this.#at++;
      this.#space();
      if (element.attributes.some(([n]) => n === attr)) this.#fail(`duplicate attribute ${attr}`);
      element.attributes.push([attr, this.#attributeValue(attr)]);
    }
    this.#content(element, depth);
    return element;
  }

  #content(element: XmlElement, depth: number): void {
    let text = '';
    const flush = (): void => {
      if (text !== '') element.children.push({ text });
      text = '';
    };
    for (;;) {
      const lt = this.s.indexOf('<', this.#at);
      if (lt === -1) {
        this.#at = this.s.length;
        this.#fail(`<${element.name}> is not closed`);
      }
      text += this.#decode(this.s.slice(this.#at, lt), this.#at);
      this.#at = lt;
      if (this.s.startsWith('</', lt)) {
        this.#at += 2;
        const name = this.#name('closing tag name');
        if (name !== element.name) this.#fail(`</${name}> closes <${element.name}>`);
        this.#space();
        if (this.s[this.#at] !== '>') this.#fail(`expected ">" after </${name}`);
        this.#at++;
        flush();
        return;
      }
      if (this.s.startsWith('<!--', lt)) this.#comment();
      else if (this.s.startsWith('<![CDATA[', lt)) {
        const end = this.s.indexOf(']]>', lt + 9);
        if (end === -1) this.#fail('CDATA section is not closed');
        text += this.s.slice(lt + 9, end);
        this.#at = end + 3;
      } else if (this.s.startsWith('<?', lt)) this.#skipPast('?>', 'processing instruction');
      else if (this.s.startsWith('<!', lt)) this.#fail('markup declarations are not allowed');
      else {
        flush();
        element.children.push(this.#element(depth + 1));
      }
    }
  }

  #attributeValue(attr: string): string {
    const quote = this.s[this.#at];
    if (quote !== '"' && quote !== "'") this.#fail(`value of ${attr} is not quoted`);
    const end = this.s.indexOf(quote, this.#at + 1);
    if (end === -1) this.#fail(`value of ${attr} is not closed`);
    const raw = this.s.slice(this.#at + 1, end);
    const lt = raw.indexOf('<');
    if (lt !== -1) throw new XmlSyntaxError(`"<" in the value of ${attr}`, this.#at + 1 + lt);
    // Attribute-value normalisation: literal whitespace becomes a space; references keep theirs.
    const value = this.#decode(raw.replace(/[\t\n\r]/g, ' '), this.#at + 1);
    this.#at = end + 1;
    return value;
  }

  /** Decodes entity and character references in `raw` (found at `offset`). */
  #decode(raw: string, offset: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&]*)(;?)/g, (whole, body: string, semi: string, at: number) => {
      const where = offset + at;
      if (semi === '') throw new XmlSyntaxError('"&" that does not start a reference', where);
      const named = ENTITIES[body];
      if (named !== undefined) return named;
      const match = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
      if (match === null) throw new XmlSyntaxError(`unknown entity ${whole}`, where);
      const code = match[1] !== undefined ? parseInt(match[1], 16) : Number(match[2]);
      const valid =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff);
      if (!valid) throw new XmlSyntaxError(`character reference ${whole} is not allowed`, where);
      return String.fromCodePoint(code);
    });
  }

  #comment(): void {
    const end = this.s.indexOf('-->', this.#at + 4);
    if (end === -1) this.#fail('comment is not closed');
    if (this.s.slice(this.#at + 4, end).includes('--')) this.#fail('"--" inside a comment');
    this.#at = end + 3;
  }

  #skipPast(end: string, what: string): void {
    const found = this.s.indexOf(end, this.#at + 2);
    if (found === -1) this.#fail(`${what} is not closed`);
    this.#at = found + end.length;
  }

  #name(what: string): string {
    NAME.lastIndex = this.#at;
    const match = NAME.exec(this.s);
    if (match === null) this.#fail(`expected an ${what}`);
    this.#at += match[0].length;
    return match[0];
  }

  #space(): void {
    SPACE.lastIndex = this.#at;
    this.#at += (SPACE.exec(this.s) as RegExpExecArray)[0].length;
  }

  #fail(message: string): never {
    throw new XmlSyntaxError(message, this.#at);
  }
}

/** The text of an element's direct text children, concatenated. */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => ('text' in c ? c.text : '')).join('');
}

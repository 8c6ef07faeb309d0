/**
 * Reads an answer document into the verbs the fake runs. Any problem (not XML, a root other than
 * `<Response>`, an unknown verb, an invalid `<Stream>`) is returned, all of them at once; the
 * fake then runs none of the document, as a platform hangs up on answer XML it cannot use.
 */
import type { Platform } from './platform-options.js';
import { streamSpecFromXml } from './stream-spec.js';
import type { StreamSpec } from './stream-spec.js';
import { XmlSyntaxError, parseXml, textOf } from './xml-reader.js';
import type { XmlElement } from './xml-reader.js';

/** What went wrong with a call's answer URL or its document. */
export interface AnswerProblem {
  code:
    | 'caller-audio'
    | 'answer-unreachable'
    | 'answer-http-status'
    | 'not-xml'
    | 'not-response'
    | 'unknown-verb'
    | 'invalid-verb'
    | 'invalid-stream';
  message: string;
}

/**
 * A verb of the document. The fake runs `Stream`, `Wait` and `Hangup`; the platform's other verbs
 * (`Speak`, `Play`, `Dial`, ...) are `held`: the call stays in them until it is hung up.
 */
export type AnswerVerb =
  | { verb: 'Stream'; spec: StreamSpec }
  | { verb: 'Wait'; seconds: number }
  | { verb: 'Hangup' }
  | { verb: 'held'; name: string };

/** Plivo's verbs (Vobiz has the same); names are case-sensitive. */
const KNOWN_VERBS = new Set([
  'Conference',
  'DTMF',
  'Dial',
  'GetDigits',
  'GetInput',
  'Hangup',
  'Message',
  'MultiPartyCall',
  'Play',
  'PreAnswer',
  'Record',
  'Redirect',
  'Speak',
  'Stream',
  'Wait',
]);

/** Parses `text` (the answer body) into verbs, or the problems that stop it from running. */
export function readAnswerDocument(
  text: string,
  platform: Platform,
): { verbs: AnswerVerb[]; problems: AnswerProblem[] } {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
    return { verbs: [], problems: [{ code: 'not-xml', message: `not XML: ${err.message}` }] };
  }
  if (root.name !== 'Response') {
    const message = `the root element is <${root.name}>, not <Response>`;
    return { verbs: [], problems: [{ code: 'not-response', message }] };
  }
  const verbs: AnswerVerb[] = [];
  const problems: AnswerProblem[] = [];
  for (const child of root.children) {
    if ('text' in child) {
      if (child.text.trim() !== '') {
        const message = `text directly inside <Response>: "${child.text.trim().slice(0, 40)}"`;
        problems.push({ code: 'not-response', message });
      }
      continue;
    }
    if (!KNOWN_VERBS.has(child.name)) {
      problems.push({ code: 'unknown-verb', message: `unknown verb <${child.name}>` });
      continue;
    }
    const verb = readVerb(child, platform, problems);
    if (verb !== undefined) verbs.push(verb);
  }
  return problems.length > 0 ? { verbs: [], problems } : { verbs, problems };
}

function readVerb(
  element: XmlElement,
  platform: Platform,
  problems: AnswerProblem[],
): AnswerVerb | undefined {
  switch (element.name) {
    case 'Stream': {
      if (element.children.some((c) => !('text' in c))) {
        problems.push({ code: 'invalid-stream', message: '<Stream> holds an element' });
        return undefined;
      }
      const result = streamSpecFromXml(textOf(element), element.attributes, platform);
      if (result.errors !== undefined) {
        for (const message of result.errors) problems.push({ code: 'invalid-stream', message });
        return undefined;
      }
      return { verb: 'Stream', spec: result.spec };
    }
    case 'Wait': {
      const length = element.attributes.find(([n]) => n === 'length')?.[1] ?? '1';
      if (!/^\d+$/.test(length) || Number(length) < 1) {
        const message = `<Wait> attribute length="${length}" must be a positive integer`;
        problems.push({ code: 'invalid-verb', message });
        return undefined;
      }
      return { verb: 'Wait', seconds: Number(length) };
    }
    case 'Hangup':
      return { verb: 'Hangup' };
    default:
      return { verb: 'held', name: element.name };
  }
}

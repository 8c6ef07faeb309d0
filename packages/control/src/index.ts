export { streamXml, streamElement, checkStreamAttributes } from './stream-xml.js';

export type { StreamAttributes, StreamXmlOptions } from './stream-xml.js';
export type {
  Dialect,
  StreamContentType,
  StreamFlag,
  StreamIssue,
  StreamSettings,
} from './stream-rules.js';

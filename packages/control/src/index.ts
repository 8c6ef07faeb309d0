export { streamXml, streamElement, checkStreamAttributes } from './stream-xml.js';
export { createStreamApi } from './rest/stream-api.js';
export { PlatformError } from './rest/platform-error.js';

export type { StreamAttributes, StreamXmlOptions } from './stream-xml.js';
export type {
  Dialect,
  StreamContentType,
  StreamFlag,
  StreamIssue,
  StreamSettings,
} from './stream-rules.js';
export type {
  StartedStream,
  StartStreamParams,
  StreamApi,
  StreamApiOptions,
  StreamRequestOptions,
} from './rest/stream-api.js';
export type { StreamList, StreamRecord } from './rest/stream-record.js';
export type { PlatformErrorCode, PlatformErrorDetails } from './rest/platform-error.js';

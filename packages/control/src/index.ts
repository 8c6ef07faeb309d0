export { streamXml, streamElement, checkStreamAttributes } from './stream-xml.js';
export { createStreamApi } from './rest/stream-api.js';
export { PlatformError } from './rest/platform-error.js';
export { parseStreamStatus } from './callbacks/stream-status.js';
export { verifyCallbackSignature } from './callbacks/callback-signature.js';
export {
  checkStreamStatusOptions,
  readStreamStatus,
  statusCallbackHttpStatus,
  verifyStreamStatus,
} from './callbacks/read-stream-status.js';
export {
  createStatusCallbackStats,
  dispatchStatusCallback,
  rejectStatusCallback,
} from './callbacks/status-dispatch.js';

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
export type {
  CallbackParams,
  StreamStatusEvent,
  StreamStatusEventName,
} from './callbacks/stream-status.js';
export type { VerifyCallbackOptions } from './callbacks/callback-signature.js';
export type {
  ReadStreamStatusOptions,
  StreamStatusRequest,
} from './callbacks/read-stream-status.js';
export type { StatusCallbackStats } from './callbacks/status-dispatch.js';

export { SimulatedCall, simulateCall } from './simulate-call.js';
export { PlayoutBuffer } from './playout-buffer.js';
export { renderCallReport } from './call-report.js';
export { CALL_EVENT_TYPES } from './timeline.js';
export { FakePlatform, startFakePlatform } from './platform/fake-platform.js';
export { FakeCall } from './platform/fake-call.js';
export { FakeStream } from './platform/fake-stream.js';

export type { SimulatedCallEvents } from './simulate-call.js';
export type {
  AckedCheckpoint,
  CallClose,
  CallMetadata,
  CallProgress,
  Dialect,
  SimulateCallOptions,
  SimulatedCallResult,
} from './options.js';
export type { CallReportOptions } from './call-report.js';
export type { CallEvent, CallEventType } from './timeline.js';
export type { ClearResult } from './playout-buffer.js';
export type { CallerAudio } from './media-source.js';
export type { Violation, ViolationCode } from './violations.js';
export type {
  CallEnd,
  CreateCallOptions,
  FakeCallEvents,
  FakeCallResult,
} from './platform/fake-call.js';
export type { CallbackExchange, FakeStreamResult, StreamEnd } from './platform/fake-stream.js';
export type { AnswerProblem } from './platform/answer-document.js';
export type { HttpExchange } from './platform/outbound-request.js';
export type { RestExchange } from './platform/rest-api.js';
export type { FakePlatformEvents } from './platform/fake-platform.js';
export type { StreamSpec, AudioTrack } from './platform/stream-spec.js';
export type { Platform, StartFakePlatformOptions } from './platform/platform-options.js';

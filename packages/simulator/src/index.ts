export { SimulatedCall, simulateCall } from './simulate-call.js';
export { PlayoutBuffer } from './playout-buffer.js';
export { renderCallReport } from './call-report.js';
export { CALL_EVENT_TYPES } from './timeline.js';

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

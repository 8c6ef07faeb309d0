export { SimulatedCall, simulateCall } from './simulate-call.js';
export { PlayoutBuffer } from './playout-buffer.js';

export type { SimulatedCallEvents } from './simulate-call.js';
export type {
  AckedCheckpoint,
  CallClose,
  CallProgress,
  Dialect,
  SimulateCallOptions,
  SimulatedCallResult,
} from './options.js';
export type { ClearResult } from './playout-buffer.js';
export type { CallerAudio } from './media-source.js';
export type { Violation, ViolationCode } from './violations.js';

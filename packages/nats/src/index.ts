export { bridgeCalls } from './bridge.js';
export { subscribeCalls } from './subscribe-calls.js';
export { RemoteCall } from './remote-call.js';
export { audioSubject, readCallAudio } from './durable-audio.js';
export { BRIDGE_DEFAULTS, WORKER_DEFAULTS } from './options.js';
export {
  CHUNK_HEADER_BYTES,
  FRAME_HEADER_BYTES,
  decodeChunk,
  decodeFrame,
  encodeChunk,
  encodeFrame,
} from './wire.js';

export type { Bridge, BridgedCall, BridgeStats, StreamSource } from './bridge.js';
export type { DurableAudioOptions, ReadCallAudioOptions } from './durable-audio.js';
export type { EdgeCallStats } from './edge-session.js';
export type { BridgeOptions, FallbackReason, WorkerOptions } from './options.js';
export type { RemoteCallStats } from './remote-call-stats.js';
export type { CallSubscription, WorkerStats } from './subscribe-calls.js';

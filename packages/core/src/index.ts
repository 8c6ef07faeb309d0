export { CallstreamError, isCallstreamError } from './errors.js';
export { parseMessage } from './protocol/parse.js';
export { parseExtraHeaders } from './protocol/extra-headers.js';
export { verifyPlivoSignature } from './auth/verify-plivo-signature.js';
export { acceptStream } from './accept-stream.js';
export { createStreamServer } from './server.js';
export { StreamRegistry } from './stream-registry.js';
export { StreamSocket } from './socket/stream-socket.js';
export { CallStream } from './stream/call-stream.js';
export { decodeMulaw, encodeMulaw } from './codec/mulaw.js';
export { decodeAlaw, encodeAlaw } from './codec/alaw.js';
export { decodeL16, encodeL16 } from './codec/l16.js';
export { createResampler } from './codec/resampler.js';
export { encodeWav, parseWav, readWavFile, toMono } from './record/wav.js';
export { recordCall } from './record/record-call.js';

export type { CallstreamErrorCode } from './errors.js';
export type { Logger } from './logger.js';
export type {
  ClearedAudioMessage,
  DtmfDigit,
  DtmfMessage,
  InboundMessage,
  MediaFormat,
  MediaMessage,
  PlayedStreamMessage,
  StartMessage,
  StopMessage,
  Track,
  UnknownMessage,
  WireEncoding,
} from './protocol/messages.js';
export type { VerifyPlivoSignatureOptions } from './auth/verify-plivo-signature.js';
export type { CreateStreamServerOptions, StreamServer, StreamServerEvents } from './server.js';
export type { StreamServerOptions } from './upgrade-handler.js';
export type {
  ServerStats,
  StreamRegistryEvents,
  StreamRegistryOptions,
} from './stream-registry.js';
export type { Authenticate, PathOption } from './upgrade.js';
export type { Call } from './stream/call.js';
export type { CallStreamEvents, DtmfEvent } from './stream/call-stream-events.js';
export type { AudioFrame } from './stream/audio-frame.js';
export type { FramesOptions } from './stream/frame-iterator.js';
export type { StreamOptions } from './stream/options.js';
export type { SocketOptions } from './socket-options.js';
export type { Resampler } from './codec/resampler.js';
export type {
  PlayableAudio,
  Playback,
  PlayAudioOptions,
  PlaybackResult,
} from './stream/playback.js';
export type { StreamStats } from './stream/stats.js';
export type { WavAudio } from './record/wav.js';
export type { RecordCallOptions } from './record/record-call.js';

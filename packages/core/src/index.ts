export { CallstreamError, ERROR_CODES, isCallstreamError } from './errors.js';
export { silentLogger } from './logger.js';
export { parseMessage } from './protocol/parse.js';
export { parseCommand } from './protocol/parse-command.js';
export { parseExtraHeaders } from './protocol/extra-headers.js';
export {
  serializeCheckpoint,
  serializeClearAudio,
  serializePlayAudio,
  serializeSendDtmf,
  serializeStopCommand,
} from './protocol/serialize.js';
export {
  serializeClearedAudio,
  serializeDtmf,
  serializeMedia,
  serializePlayedStream,
  serializeStart,
  serializeStop,
} from './protocol/serialize-platform.js';
export { verifyPlivoSignature } from './auth/verify-plivo-signature.js';
export { acceptStream } from './accept-stream.js';
export { createStreamServer, StreamServer } from './server.js';
export { StreamHub } from './stream-hub.js';
export { createPathMatcher, pathnameOf, rejectUpgrade } from './upgrade.js';
export { CallStream } from './stream/call-stream.js';
export { STREAM_DEFAULTS, resolveStreamOptions } from './stream/options.js';
export { decodeMulaw, decodeMulawInto, encodeMulaw, encodeMulawInto } from './codec/mulaw.js';
export { decodeAlaw, decodeAlawInto, encodeAlaw, encodeAlawInto } from './codec/alaw.js';
export { decodeL16, decodeL16Into, encodeL16, encodeL16Into } from './codec/l16.js';
export {
  createResampler,
  isSupportedRate,
  MAX_RESAMPLER_RATE,
  MIN_RESAMPLER_RATE,
  resample,
  RESAMPLER_RATES,
} from './codec/resampler.js';
export { decodeBase64Into } from './codec/base64.js';
export { createByteScratch } from './codec/byte-scratch.js';
export { createFrameDecoder, createFrameEncoder } from './codec/frame-codec.js';
export { decodeWire, encodeWire } from './codec/frame-codec.js';
export {
  WAV_HEADER_BYTES,
  encodeWav,
  parseWav,
  readWavFile,
  toMono,
  wavHeader,
} from './record/wav.js';
export { createWavWriter } from './record/wav-writer.js';
export { recordCall } from './record/record-call.js';

export type { CallstreamErrorCode } from './errors.js';
export type { Logger } from './logger.js';
export type {
  CheckpointCommand,
  ClearAudioCommand,
  ClearedAudioMessage,
  DtmfDigit,
  DtmfMessage,
  InboundMessage,
  MediaFormat,
  MediaMessage,
  OutboundCommand,
  PlayAudioCommand,
  PlayedStreamMessage,
  SendDtmfCommand,
  StartMessage,
  StopCommand,
  StopMessage,
  Track,
  UnknownMessage,
  WireEncoding,
} from './protocol/messages.js';
export type { DtmfFields, MediaFields, StartFields } from './protocol/serialize-platform.js';
export type { VerifyPlivoSignatureOptions } from './auth/verify-plivo-signature.js';
export type { CreateStreamServerOptions, StreamServerEvents } from './server.js';
export type { StreamServerOptions } from './stream-hub.js';
export type { Authenticate, PathOption } from './upgrade.js';
export type { CallStreamEvents, DtmfEvent } from './stream/call-stream-events.js';
export type { StreamTransport } from './stream/internal.js';
export type { AudioFrame } from './stream/audio-frame.js';
export type { FramesOptions } from './stream/frame-iterator.js';
export type { StreamOptions } from './stream/options.js';
export type { Resampler } from './codec/resampler.js';
export type { ByteScratch } from './codec/byte-scratch.js';
export type {
  PlayableAudio,
  Playback,
  PlayAudioOptions,
  PlaybackResult,
} from './stream/playback.js';
export type { StreamStats } from './stream/stats.js';
export type { WavAudio } from './record/wav.js';
export type { WavWriter, WavWriterOptions } from './record/wav-writer.js';
export type { RecordCallOptions } from './record/record-call.js';

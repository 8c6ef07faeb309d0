/**
 * `@callstream/core/internal`: the building blocks the sibling packages (`@callstream/http`,
 * `@callstream/fastify`, `@callstream/simulator`, `@callstream/nats`, `@callstream/control`)
 * share with core. **Unstable**: not part of the public API, not covered by semver, and it may
 * change in any release. Applications import from `@callstream/core`.
 *
 * @example
 * import { StreamRegistry } from '@callstream/core';
 * import { UpgradeHandler, rejectUpgrade } from '@callstream/core/internal';
 *
 * const registry = new StreamRegistry();
 * const upgrades = new UpgradeHandler(registry, { path: '/stream' });
 * server.on('upgrade', (req, socket, head) => {
 *   if (!upgrades.handle(req, socket, head)) rejectUpgrade(socket, 404);
 * });
 *
 * @packageDocumentation
 */
export { ERROR_CODES } from './errors.js';
export { hmacBase64, matchesAnySignature, plivoV3Signature } from './auth/signature-v3.js';
export { silentLogger } from './logger.js';
export { parseCommand } from './protocol/parse-command.js';
export { InboundReader } from './protocol/parse.js';
export {
  checkDtmfDigits,
  DTMF_DIGIT_CLASS,
  DTMF_DIGITS,
  isDtmfDigit,
  isDtmfDigits,
} from './protocol/dtmf.js';
export {
  describeFormats,
  isSupportedFormat,
  isWireEncoding,
  MEDIA_FORMATS,
  supportedRates,
} from './protocol/media-formats.js';
export {
  serializeCheckpoint,
  serializeClearAudio,
  serializePlayAudio,
  serializePlayAudioBytes,
  serializeSendDtmf,
} from './protocol/serialize.js';
export {
  serializeClearedAudio,
  serializeDtmf,
  serializeMedia,
  serializePlayedStream,
  serializeStart,
  serializeStop,
} from './protocol/serialize-platform.js';
export { UpgradeHandler } from './upgrade-handler.js';
export { FrameReader } from './socket/frame-reader.js';
export {
  checkAuthTimeout,
  createPathMatcher,
  pathnameOf,
  rejectUpgrade,
  runAuthenticate,
} from './upgrade.js';
export { STREAM_DEFAULTS, resolveStreamOptions } from './stream/options.js';
export { FrameFanout, checkFramesOptions } from './stream/frame-fanout.js';
export { checkPlayAudioArgs } from './stream/play-audio-args.js';
export { createStats } from './stream/stats.js';
export { toHandlerError } from './stream/handler-error.js';
export { nextCheckpointName } from './stream/checkpoint-name.js';
export { SOCKET_DEFAULTS, resolveSocketOptions } from './socket-options.js';
export { decodeMulawInto, encodeMulawInto } from './codec/mulaw.js';
export { decodeAlawInto, encodeAlawInto } from './codec/alaw.js';
export { decodeL16Into, encodeL16Into } from './codec/l16.js';
export { isSupportedRate, resample } from './codec/resampler.js';
export { decodeBase64Into } from './codec/base64.js';
export { createByteScratch } from './codec/byte-scratch.js';
export {
  createFrameDecoder,
  createMediaDecoder,
  createFrameEncoder,
  createWireEncoder,
  decodeWire,
} from './codec/frame-codec.js';
export { WAV_HEADER_BYTES, wavHeader } from './record/wav.js';
export { createWavWriter } from './record/wav-writer.js';

export type {
  CheckpointCommand,
  ClearAudioCommand,
  OutboundCommand,
  PlayAudioCommand,
  SendDtmfCommand,
  StopCommand,
} from './protocol/messages.js';
export type { SignatureV3Input } from './auth/signature-v3.js';
export type { SignedParams } from './auth/plivo-signed-url.js';
export type { DtmfFields, MediaFields, StartFields } from './protocol/serialize-platform.js';
export type { Dialect, MediaDirection, RateTable } from './protocol/media-formats.js';
export type { StreamTransport } from './stream/internal.js';
export type { AuthOutcome } from './upgrade.js';
export type { FrameConsumer } from './stream/frame-fanout.js';
export type { ResolvedStreamOptions } from './stream/options.js';
export type { ByteScratch } from './codec/byte-scratch.js';
export type { WavWriter, WavWriterOptions } from './record/wav-writer.js';
export type { MediaDecoder } from './codec/frame-codec.js';
export type { FrameSink, FrameReaderOptions } from './socket/frame-reader.js';

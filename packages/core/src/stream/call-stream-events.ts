import type { CallstreamError } from '../errors.js';
import type { DtmfDigit, Track } from '../protocol/messages.js';
import type { AudioFrame } from './audio-frame.js';

export interface DtmfEvent {
  digit: DtmfDigit;
  track: Track;
  timestamp: number;
}

/** The events of a {@link CallStream} and their arguments. */
export interface CallStreamEvents {
  start: [];
  media: [frame: AudioFrame];
  dtmf: [event: DtmfEvent];
  playedStream: [event: { name: string }];
  clearedAudio: [];
  stop: [event: { reason: string | undefined }];
  unknown: [message: Record<string, unknown>];
  frameError: [error: CallstreamError];
  error: [error: Error];
  close: [event: { code: number; reason: string }];
}

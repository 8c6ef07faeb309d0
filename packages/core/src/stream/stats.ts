import type { Track } from '../protocol/messages.js';

/** Counters of one stream, updated as messages arrive and audio is sent. */
export interface StreamStats {
  /** Text messages received (every event, well-formed or not). */
  messages: number;
  /** Binary WebSocket messages received: not part of the protocol, counted and ignored. */
  binaryMessages: number;
  /** Audio frames received per track. */
  frames: Record<Track, number>;
  /** Decoded audio bytes received per track (wire bytes, before decoding). */
  bytes: Record<Track, number>;
  /** Frames missing from each track's `chunk` sequence (gaps of up to 50 chunks, 1 s). */
  gaps: Record<Track, number>;
  /** Silence frames inserted by `fillGaps`. */
  filledFrames: number;
  /**
   * Jumps of `chunk` by more than 50 (1 s of frames), forward or back: not counted as gaps or
   * filled; the track's timeline goes on from the new chunk.
   */
  resyncs: number;
  /** Frames whose `chunk` was not greater than the previous one on their track (delivered anyway, in arrival order). */
  outOfOrder: number;
  /** Malformed messages (each also emitted as `frameError`). */
  malformed: number;
  /** Well-formed messages with an event callstream does not know. */
  unknown: number;
  /** DTMF digits received. */
  dtmf: number;
  /** Frames dropped because an iterator's (or the pre-consumer) buffer was full; the oldest go first. */
  dropped: number;
  /** `playAudio` messages sent. */
  playMessages: number;
  /** Milliseconds of audio sent with `playAudio`. */
  playedMsSent: number;
  /** Checkpoints sent, and confirmed by `playedStream`. */
  checkpointsSent: number;
  checkpointsConfirmed: number;
  /** `clearAudio` commands sent. */
  clears: number;
  /** `playedStream` acks that matched no pending checkpoint (e.g. after a clear): ignored. */
  staleAcks: number;
  /** Times playback paused because more than `maxBacklogBytes` were waiting in the socket (the peer did not read). */
  backlogStalls: number;
  /** The largest socket backlog (bytes written but not yet taken by the peer) seen before a send. */
  backlogPeakBytes: number;
}

export function createStats(): StreamStats {
  return {
    messages: 0,
    binaryMessages: 0,
    frames: { inbound: 0, outbound: 0 },
    bytes: { inbound: 0, outbound: 0 },
    gaps: { inbound: 0, outbound: 0 },
    filledFrames: 0,
    resyncs: 0,
    outOfOrder: 0,
    malformed: 0,
    unknown: 0,
    dtmf: 0,
    dropped: 0,
    playMessages: 0,
    playedMsSent: 0,
    checkpointsSent: 0,
    checkpointsConfirmed: 0,
    clears: 0,
    staleAcks: 0,
    backlogStalls: 0,
    backlogPeakBytes: 0,
  };
}

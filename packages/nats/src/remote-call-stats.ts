import type { Track } from '@callstream/core';
import type { LinkCounters } from './link.js';

/** Counters of one call on a worker. */
export interface RemoteCallStats extends LinkCounters {
  /** Audio frames received from the edge, per track. */
  frames: Record<Track, number>;
  /** Frames dropped because an iterator's (or the pre-consumer) buffer was full. */
  dropped: number;
  /** Events received from the edge (dtmf, playback results, replies, ...). */
  events: number;
  /** Commands sent to the edge. */
  commands: number;
  /** Messages from the edge that could not be read (ignored). */
  malformed: number;
}

/** The counters of a call that has just arrived, all at zero. */
export function createRemoteCallStats(): RemoteCallStats {
  return {
    frames: { inbound: 0, outbound: 0 },
    dropped: 0,
    events: 0,
    commands: 0,
    malformed: 0,
    droppedFrames: 0,
    droppedMessages: 0,
    bufferedMessages: 0,
  };
}

import { CallstreamError, type CallStreamEvents, type DtmfDigit } from '@callstream/core';
import type { EdgeEvent } from './wire.js';
import { edgeErrorCode } from './wire-parse.js';

/** The edge events that are a call's own events, passed on as they are. */
export type CallEvent = Extract<
  EdgeEvent,
  { ev: 'dtmf' | 'playedStream' | 'clearedAudio' | 'stop' | 'unknown' | 'frameError' }
>;

type Emit = <K extends keyof CallStreamEvents>(event: K, ...args: CallStreamEvents[K]) => void;

/** Emits the event of the call that an edge event reports, with the arguments a local stream gives. */
export function emitCallEvent(ev: CallEvent, emit: Emit): void {
  switch (ev.ev) {
    case 'dtmf':
      emit('dtmf', {
        digit: ev.digit as DtmfDigit, // checked by parseEdgeEvent
        track: ev.track,
        timestamp: ev.timestamp,
      });
      return;
    case 'playedStream':
      emit('playedStream', { name: ev.name });
      return;
    case 'clearedAudio':
      emit('clearedAudio');
      return;
    case 'stop':
      emit('stop', { reason: ev.reason });
      return;
    case 'unknown':
      emit('unknown', ev.message);
      return;
    case 'frameError':
      emit('frameError', new CallstreamError(edgeErrorCode(ev.code), ev.message));
      return;
  }
}

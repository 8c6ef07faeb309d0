import { describe, expect, it } from 'vitest';
import { isCloseFrame, parseEdgeEvent, parseWorkerCommand } from './wire-parse.js';

describe('narrowing messages from the other side of a call', () => {
  it('takes well-formed edge events as they are', () => {
    expect(parseEdgeEvent({ ev: 'dtmf', digit: '#', track: 'inbound', timestamp: 5 })).toEqual({
      ev: 'dtmf',
      digit: '#',
      track: 'inbound',
      timestamp: 5,
    });
    expect(parseEdgeEvent({ ev: 'playback', id: 3, status: 'played', playedMs: 400 })).toEqual({
      ev: 'playback',
      id: 3,
      status: 'played',
      playedMs: 400,
    });
    expect(parseEdgeEvent({ ev: 'reply', req: 9, value: false })).toEqual({
      ev: 'reply',
      req: 9,
      value: false,
    });
    expect(parseEdgeEvent({ ev: 'close', code: 1000, reason: '' })).toEqual({
      ev: 'close',
      code: 1000,
      reason: '',
    });
  });

  it('refuses edge events with missing or mistyped fields', () => {
    for (const bad of [
      { ev: 'dtmf', digit: 'x', track: 'inbound', timestamp: 5 },
      { ev: 'dtmf', digit: '1', track: 'sideways', timestamp: 5 },
      { ev: 'playback', id: 3, status: 'done', playedMs: 400 },
      { ev: 'playback', id: '3', status: 'played', playedMs: 400 },
      { ev: 'reply', req: 1, value: 'yes' },
      { ev: 'reply', req: 1, error: 'boom' },
      { ev: 'attach', wireRate: 0 },
      { ev: 'close', code: 1000 },
      { ev: 'nope' },
      { op: 'hb' },
    ]) {
      expect(parseEdgeEvent(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('takes well-formed worker commands and refuses the rest', () => {
    expect(
      parseWorkerCommand({ op: 'play', id: 1, name: 'n', streaming: true, encoding: 'pcm' }),
    ).toEqual({ op: 'play', id: 1, name: 'n', streaming: true, encoding: 'pcm' });
    expect(parseWorkerCommand({ op: 'checkpoint', name: 'm', req: 2 })).toEqual({
      op: 'checkpoint',
      name: 'm',
      req: 2,
    });
    for (const bad of [
      { op: 'play', id: 1, name: '', streaming: true },
      { op: 'play', id: 1, name: 'n', streaming: true, encoding: 'opus' },
      { op: 'end', id: 1, error: 3 },
      { op: 'cancel', id: 1 },
      { op: 'dtmf', digits: 12, req: 1 },
      { op: 'close', code: 1006, reason: '' },
      { op: 'close', code: 4000, reason: 'x'.repeat(124) },
      { op: 'launch' },
    ]) {
      expect(parseWorkerCommand(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('knows the close codes an application may send', () => {
    expect(isCloseFrame(1000, '')).toBe(true);
    expect(isCloseFrame(4999, 'é'.repeat(61))).toBe(true); // 122 bytes
    expect(isCloseFrame(4999, 'é'.repeat(62))).toBe(false); // 124 bytes
    expect(isCloseFrame(1001, '')).toBe(false);
    expect(isCloseFrame(5000, '')).toBe(false);
  });
});

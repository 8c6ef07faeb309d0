/**
 * The call report's picture: one inline SVG with the caller's and the bot's audio as level
 * envelopes and every {@link CallEvent} on the same time axis. Plain SVG, no script: hovering a
 * marker shows its `<title>`, and each event carries `data-kind` and `data-at-ms` so tools (and
 * the tests) can find it.
 */
import { escapeHtml, millis, seconds, truncate } from './report-format.js';
import type { CallEvent } from './timeline.js';

/** Width of the drawing in SVG units (the page scales it to fit). */
const WIDTH = 1360;
const LEFT = 130;
const RIGHT = 20;
const PLOT = WIDTH - LEFT - RIGHT;
const WAVE_HEIGHT = 90;

interface Lane {
  label: string;
  y: number;
  height: number;
}

const LANES = {
  caller: { label: 'caller (said)', y: 34, height: WAVE_HEIGHT },
  bot: { label: 'bot (heard)', y: 134, height: WAVE_HEIGHT },
  playAudio: { label: 'playAudio', y: 236, height: 22 },
  checkpoint: { label: 'checkpoints', y: 268, height: 30 },
  clear: { label: 'clearAudio', y: 308, height: 22 },
  dtmf: { label: 'DTMF', y: 340, height: 30 },
  violation: { label: 'violations', y: 380, height: 22 },
} satisfies Record<string, Lane>;
const BOTTOM = 410;
const HEIGHT = BOTTOM + 24;

const TICK_STEPS = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000];

/** The envelope of `samples`: for each of `columns` pixel columns, the min and max sample. */
export function envelope(samples: Int16Array, columns: number): { min: number[]; max: number[] } {
  const min: number[] = [];
  const max: number[] = [];
  const n = samples.length;
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * n) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / columns));
    let lo = 0;
    let hi = 0;
    for (let i = from; i < to && i < n; i++) {
      const s = samples[i] as number;
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
    min.push(lo);
    max.push(hi);
  }
  return { min, max };
}

const fixed = (v: number): string => String(Math.round(v * 10) / 10);

/** `3 s` on a whole-second axis, `0.25 s` on a finer one. */
const tickLabel = (ms: number, step: number): string =>
  `${(ms / 1000).toFixed(step % 1000 === 0 ? 0 : step % 100 === 0 ? 1 : 2)} s`;

/** A closed path around the envelope of `samples` inside `lane`. */
function wavePath(samples: Int16Array, lane: Lane): string {
  const { min, max } = envelope(samples, PLOT);
  const mid = lane.y + lane.height / 2;
  const scale = lane.height / 2 / 32768;
  const top = max.map((v, c) => `${fixed(LEFT + c + 0.5)},${fixed(mid - Math.max(v, 64) * scale)}`);
  const bottom = min
    .map((v, c) => `${fixed(LEFT + c + 0.5)},${fixed(mid - Math.min(v, -64) * scale)}`)
    .reverse();
  return `M${top.join('L')}L${bottom.join('L')}Z`;
}

/** Renders the timeline SVG of a call of `durationMs`. */
export function renderTimeline(input: {
  said: Int16Array;
  heard: Int16Array;
  timeline: readonly CallEvent[];
  durationMs: number;
}): string {
  const span = Math.max(input.durationMs, 20);
  const x = (ms: number): number => LEFT + (Math.min(Math.max(ms, 0), span) / span) * PLOT;
  const parts: string[] = [];

  const step = TICK_STEPS.find((s) => span / s <= 16) ?? 60_000 * Math.ceil(span / 60_000 / 16);
  for (let t = 0; t <= span; t += step) {
    const tx = fixed(x(t));
    parts.push(
      `<line class="grid" x1="${tx}" y1="28" x2="${tx}" y2="${BOTTOM}"/>`,
      `<text class="tick" x="${tx}" y="20">${tickLabel(t, step)}</text>`,
    );
  }
  for (const lane of Object.values(LANES)) {
    parts.push(
      `<text class="lane-label" x="${LEFT - 10}" y="${lane.y + lane.height / 2 + 4}">${lane.label}</text>`,
    );
  }
  for (const [name, samples] of [
    ['caller', input.said],
    ['bot', input.heard],
  ] as const) {
    const lane = LANES[name];
    parts.push(
      `<rect class="lane" x="${LEFT}" y="${lane.y}" width="${PLOT}" height="${lane.height}"/>`,
      `<path class="wave wave-${name}" data-wave="${name}" d="${wavePath(samples, lane)}"/>`,
    );
  }

  for (const event of input.timeline) parts.push(marker(event, x));
  return (
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" ` +
    `aria-label="The call's audio and events on one time axis">` +
    parts.join('') +
    '</svg>'
  );
}

/** One event's marker: a `<g>` with its kind, time and a title describing it. */
function marker(event: CallEvent, x: (ms: number) => number): string {
  const at = fixed(x(event.atMs));
  const group = (title: string, body: string): string =>
    `<g class="event ev-${event.type}" data-kind="${event.type}" data-at-ms="${event.atMs}">` +
    `<title>${escapeHtml(`${seconds(event.atMs)}  ${title}`)}</title>${body}</g>`;
  const label = (lx: string, ly: number, text: string, cls = 'label'): string =>
    `<text class="${cls}" x="${lx}" y="${ly}">${escapeHtml(truncate(text, 18))}</text>`;
  switch (event.type) {
    case 'start':
    case 'hangup': {
      const text =
        event.type === 'start'
          ? 'start'
          : `hangup by the ${event.by} (${event.code}${event.reason ? ` ${event.reason}` : ''})`;
      return group(
        text,
        `<line class="edge" x1="${at}" y1="28" x2="${at}" y2="${BOTTOM}"/>` +
          label(at, BOTTOM + 16, event.type === 'start' ? 'start' : 'hangup', 'edge-label'),
      );
    }
    case 'playAudio': {
      const { y, height } = LANES.playAudio;
      const w = fixed(Math.max(x(event.endMs) - x(event.atMs), 3));
      return group(
        `playAudio burst: ${event.messages} messages, ${millis(event.audioMs)} of audio, sent until ${seconds(event.endMs)}`,
        `<rect class="burst" x="${at}" y="${y + 3}" width="${w}" height="${height - 6}"/>`,
      );
    }
    case 'checkpoint': {
      const { y, height } = LANES.checkpoint;
      const cy = y + height / 2;
      return group(
        `checkpoint "${event.name}" sent`,
        `<path class="sent" d="M${at},${cy - 6}l6,6l-6,6l-6,-6Z"/>`,
      );
    }
    case 'playedStream': {
      const { y, height } = LANES.checkpoint;
      const cy = y + height / 2;
      const sent = fixed(x(event.sentAtMs));
      return group(
        `checkpoint "${event.name}" acknowledged (playedStream), ${millis(event.atMs - event.sentAtMs)} after it was sent`,
        `<line class="ack-span" x1="${sent}" y1="${cy}" x2="${at}" y2="${cy}"/>` +
          `<circle class="ack" cx="${at}" cy="${cy}" r="5"/>` +
          label(at, y - 1, event.name),
      );
    }
    case 'clearAudio': {
      const { y, height } = LANES.clear;
      const w = fixed(Math.max(x(event.atMs + event.droppedMs) - x(event.atMs), 0));
      const voided = event.voided.length > 0 ? `; voided ${event.voided.join(', ')}` : '';
      return group(
        `clearAudio: ${millis(event.droppedMs)} of queued audio flushed${voided}`,
        `<rect class="flushed" x="${at}" y="${y + 4}" width="${w}" height="${height - 8}"/>` +
          `<line class="clear" x1="${at}" y1="${LANES.bot.y}" x2="${at}" y2="${y + height}"/>`,
      );
    }
    case 'clearedAudio': {
      const { y, height } = LANES.clear;
      return group(
        'clearedAudio: the platform confirmed the flush',
        `<rect class="cleared" x="${fixed(x(event.atMs) - 4)}" y="${y + height / 2 - 4}" width="8" height="8"/>`,
      );
    }
    case 'dtmf': {
      const { y, height } = LANES.dtmf;
      const cy = y + height / 2;
      return group(
        `the caller pressed ${event.digit} (dtmf)`,
        `<path class="dtmf-in" d="M${at},${cy - 7}l6,10h-12Z"/>` + label(at, y - 1, event.digit),
      );
    }
    case 'sendDTMF': {
      const { y, height } = LANES.dtmf;
      const cy = y + height / 2;
      return group(
        `the server sent sendDTMF ${event.digits}`,
        `<path class="dtmf-out" d="M${at},${cy + 7}l6,-10h-12Z"/>` +
          label(at, y + height + 9, event.digits),
      );
    }
    case 'violation': {
      const { y, height } = LANES.violation;
      const cy = y + height / 2;
      return group(
        `violation ${event.code}: ${event.message}`,
        `<path class="violation" d="M${fixed(x(event.atMs) - 5)},${cy - 5}l10,10m0,-10l-10,10"/>`,
      );
    }
  }
}

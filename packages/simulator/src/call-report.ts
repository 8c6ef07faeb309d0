/**
 * `renderCallReport`: one self-contained HTML page for a simulated call. No script, no network
 * request (a Content-Security-Policy forbids them), inline CSS with a print style: the audio and
 * the events on one time axis, a summary, the checkpoints, every event and the violations.
 */
import type { SimulatedCallResult } from './options.js';
import { escapeHtml, millis, row, seconds } from './report-format.js';
import { REPORT_STYLE } from './report-style.js';
import { renderTimeline } from './report-timeline.js';
import { CALL_EVENT_TYPES } from './timeline.js';
import type { CallEvent } from './timeline.js';

/** Options of {@link renderCallReport}. */
export interface CallReportOptions {
  /** The page title. Default `Call <callId>`. */
  title?: string;
}

type Of<T extends CallEvent['type']> = Extract<CallEvent, { type: T }>;

/**
 * Renders a simulated call's result as one self-contained HTML page: the caller's and the bot's
 * audio as aligned level envelopes, every event of {@link SimulatedCallResult.timeline} on the
 * same axis, a summary (duration, frames, checkpoints and their delays, barge-ins, violations),
 * the call's metadata and a table of all events. It loads nothing and runs no script; every
 * string from the call is escaped.
 *
 * @example
 * import { writeFile } from 'node:fs/promises';
 * const result = await simulateCall({ url: 'ws://127.0.0.1:8080/stream', audio: 'caller.wav' }).done;
 * await writeFile('call.html', renderCallReport(result));
 */
export function renderCallReport(
  result: SimulatedCallResult,
  options: CallReportOptions = {},
): string {
  const title = options.title ?? `Call ${result.callId}`;
  const { timeline } = result;
  const of = <T extends CallEvent['type']>(type: T): Of<T>[] =>
    timeline.filter((e): e is Of<T> => e.type === type);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="sub">Simulated ${escapeHtml(result.metadata.dialect)} call, ${escapeHtml(seconds(result.durationMs))} of call time${result.metadata.startedAt > 0 ? `, started ${escapeHtml(new Date(result.metadata.startedAt).toISOString())}` : ''}. ${result.violations.length === 0 ? '<span class="ok">No protocol violations.</span>' : `<span class="bad">${result.violations.length} protocol violation(s).</span>`}</p>
</header>
<section class="figure">
<h2>Audio and events</h2>
${renderTimeline(result)}
<p class="legend">${LEGEND}</p>
</section>
<div class="columns">
<section><h2>Summary</h2><table class="kv">${summaryRows(result, of)}</table></section>
<section><h2>Call</h2><table class="kv">${metadataRows(result)}</table></section>
</div>
<section><h2>Checkpoints</h2>${checkpointTable(of)}</section>
<section><h2>Violations</h2>${violationTable(result)}</section>
<section><h2>Events</h2>${eventTable(timeline)}</section>
<footer>Written by @callstream/simulator. Times are call time since <code>start</code>, in 20 ms steps.</footer>
</body>
</html>
`;
}

function summaryRows(
  result: SimulatedCallResult,
  of: <T extends CallEvent['type']>(type: T) => Of<T>[],
): string {
  const { close } = result;
  const bursts = of('playAudio');
  const clears = of('clearAudio');
  const acks = of('playedStream');
  const delays = acks.map((a) => a.atMs - a.sentAtMs);
  const bargeIns = clears.filter((c) => c.droppedMs > 0).length;
  const byCode = new Map<string, number>();
  for (const v of result.violations) byCode.set(v.code, (byCode.get(v.code) ?? 0) + 1);
  return [
    row(
      'duration',
      `${escapeHtml(seconds(result.durationMs))}, closed by the ${escapeHtml(close.by)} (${close.code}${close.reason ? ` ${escapeHtml(close.reason)}` : ''})`,
    ),
    row(
      'frames',
      `${result.framesSent} media frames sent (${escapeHtml(result.metadata.tracks.join(' + '))})`,
    ),
    row(
      'bot audio',
      `${escapeHtml(seconds(result.playedMs))} played to the caller, in ${bursts.length} playAudio burst(s) of ${bursts.reduce((n, b) => n + b.messages, 0)} messages`,
    ),
    row(
      'checkpoints',
      `${acks.length} acknowledged of ${of('checkpoint').length} sent` +
        (delays.length > 0
          ? `; delay sent → acknowledged min ${escapeHtml(millis(Math.min(...delays)))}, max ${escapeHtml(millis(Math.max(...delays)))}`
          : ''),
    ),
    row(
      'barge-ins',
      `${bargeIns} (${clears.length} clearAudio, ${escapeHtml(millis(clears.reduce((n, c) => n + c.droppedMs, 0)))} of queued audio flushed)`,
    ),
    row(
      'DTMF',
      `caller pressed ${escapeHtml(
        of('dtmf')
          .map((d) => d.digit)
          .join(' ') || 'nothing',
      )}; server sent ${escapeHtml(result.dtmfReceived.join(', ') || 'nothing')}`,
    ),
    row(
      'violations',
      result.violations.length === 0
        ? '<span class="ok">none</span>'
        : `<span class="bad">${result.violations.length}</span> (${[...byCode].map(([code, n]) => `${escapeHtml(code)} × ${n}`).join(', ')})`,
    ),
  ].join('');
}

function metadataRows(result: SimulatedCallResult): string {
  const m = result.metadata;
  return [
    row('url', `<code>${escapeHtml(m.url)}</code>`),
    row('callId', `<code>${escapeHtml(result.callId)}</code>`),
    row('streamId', `<code>${escapeHtml(result.streamId)}</code>`),
    row('accountId', `<code>${escapeHtml(m.accountId)}</code>`),
    row('dialect', escapeHtml(m.dialect)),
    row('format', `${escapeHtml(m.format.encoding)} ${m.format.sampleRate} Hz`),
    row('tracks', escapeHtml(m.tracks.join(', '))),
    row('extra_headers', `<code>${escapeHtml(JSON.stringify(m.extraHeaders))}</code>`),
    row('speed', m.speed === 0 ? '0 (as fast as possible)' : `${m.speed}× real time`),
    row(
      'started',
      m.startedAt > 0 ? escapeHtml(new Date(m.startedAt).toISOString()) : 'never connected',
    ),
  ].join('');
}

function checkpointTable(of: <T extends CallEvent['type']>(type: T) => Of<T>[]): string {
  const sent = of('checkpoint');
  if (sent.length === 0) return '<p>The server sent no checkpoint.</p>';
  const acks = [...of('playedStream')];
  const voided = of('clearAudio').flatMap((c) => c.voided.map((name) => ({ name, at: c.atMs })));
  const rows = sent.map((c) => {
    const i = acks.findIndex((a) => a.name === c.name && a.sentAtMs === c.atMs);
    const ack = i >= 0 ? acks.splice(i, 1)[0] : undefined;
    const v = ack ? -1 : voided.findIndex((x) => x.name === c.name && x.at >= c.atMs);
    const cleared = v >= 0 ? voided.splice(v, 1)[0] : undefined;
    const outcome = ack
      ? `${escapeHtml(seconds(ack.atMs))}</td><td>${escapeHtml(millis(ack.atMs - c.atMs))}`
      : `<span class="bad">${cleared ? `voided by clearAudio at ${escapeHtml(seconds(cleared.at))}` : 'never acknowledged'}</span></td><td>`;
    return `<tr><td><code>${escapeHtml(c.name)}</code></td><td>${escapeHtml(seconds(c.atMs))}</td><td>${outcome}</td></tr>`;
  });
  return `<table class="grid"><thead><tr><th>name</th><th>sent</th><th>acknowledged</th><th>delay</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function violationTable(result: SimulatedCallResult): string {
  if (result.violations.length === 0)
    return '<p class="ok">None: every command followed the protocol.</p>';
  const rows = result.violations.map(
    (v) =>
      `<tr><td>${escapeHtml(seconds(v.atMs))}</td><td><code>${escapeHtml(v.code)}</code></td><td>${escapeHtml(v.message)}</td><td><code class="frame">${escapeHtml(v.command ?? '(binary frame)')}</code></td></tr>`,
  );
  return `<table class="grid"><thead><tr><th>at</th><th>code</th><th>what</th><th>frame (first 200 characters)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function describe(event: CallEvent): string {
  switch (event.type) {
    case 'start':
      return 'the platform sent start';
    case 'playAudio':
      return `${event.messages} message(s), ${millis(event.audioMs)} of audio, the last at ${seconds(event.endMs)}`;
    case 'checkpoint':
      return `"${event.name}" sent`;
    case 'playedStream':
      return `"${event.name}" acknowledged, ${millis(event.atMs - event.sentAtMs)} after it was sent`;
    case 'clearAudio':
      return `${millis(event.droppedMs)} of queued audio flushed${event.voided.length > 0 ? `; voided ${event.voided.map((n) => `"${n}"`).join(', ')}` : ''}`;
    case 'clearedAudio':
      return 'the platform confirmed the flush';
    case 'dtmf':
      return `the caller pressed ${event.digit}`;
    case 'sendDTMF':
      return `the server asked to play ${event.digits}`;
    case 'violation':
      return `${event.code}: ${event.message}`;
    case 'hangup':
      return `closed by the ${event.by} (${event.code}${event.reason ? ` ${event.reason}` : ''})`;
  }
}

function eventTable(timeline: readonly CallEvent[]): string {
  const rows = timeline.map(
    (e) =>
      `<tr class="ev-${e.type}" data-kind="${e.type}" data-at-ms="${e.atMs}"><td>${escapeHtml(seconds(e.atMs))}</td><td>${e.type}</td><td>${escapeHtml(describe(e))}</td></tr>`,
  );
  return `<table class="grid events"><thead><tr><th>at</th><th>event</th><th>details</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const LEGEND = CALL_EVENT_TYPES.map((type) => `<span class="key key-${type}">${type}</span>`).join(
  ' ',
);

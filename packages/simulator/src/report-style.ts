/**
 * The call report's stylesheet, inlined into the page: screen layout for a 1400 px window, the
 * timeline's colours, and a print style (A4 landscape, no page break inside a section or row).
 */
export const REPORT_STYLE = `
:root { --fg: #1d2430; --muted: #5b6575; --line: #d5dae1; --caller: #2a6fdb; --bot: #1f9d6b;
  --bad: #c62828; --warn: #d97706; --ack: #7c3aed; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 28px; max-width: 1400px; color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 16px; margin: 22px 0 8px; }
.sub { margin: 0; color: var(--muted); }
.ok { color: var(--bot); } .bad { color: var(--bad); font-weight: 600; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 28px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
.kv th { width: 120px; color: var(--muted); font-weight: 500; }
.grid thead th { background: #f3f5f8; }
.events td:first-child, .grid td:nth-child(2) { white-space: nowrap; }
.frame { color: var(--muted); }
svg.timeline { display: block; width: 100%; height: auto; background: #fff; }
line.grid { stroke: #eef0f3; }
.tick { font-size: 11px; fill: var(--muted); text-anchor: middle; }
.lane-label { font-size: 12px; fill: var(--muted); text-anchor: end; }
.lane { fill: #f8f9fb; stroke: var(--line); }
.wave { stroke-width: 0.6; }
.wave-caller { fill: var(--caller); stroke: var(--caller); }
.wave-bot { fill: var(--bot); stroke: var(--bot); }
.label, .edge-label { font-size: 10px; fill: var(--fg); text-anchor: middle; }
.edge { stroke: var(--fg); stroke-dasharray: 4 3; }
.burst { fill: var(--bot); opacity: 0.75; }
.sent { fill: #fff; stroke: var(--ack); stroke-width: 1.5; }
.ack { fill: var(--ack); } .ack-span { stroke: var(--ack); stroke-width: 2; opacity: 0.5; }
.clear { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 2 2; }
.flushed { fill: var(--bad); opacity: 0.3; } .cleared { fill: var(--bad); }
.dtmf-in { fill: var(--caller); } .dtmf-out { fill: var(--warn); }
.violation { stroke: var(--bad); stroke-width: 2.5; fill: none; }
.legend { color: var(--muted); font-size: 12px; }
.key { display: inline-block; padding: 0 6px; margin-right: 4px; border-left: 10px solid var(--muted); }
.key-playAudio { border-color: var(--bot); } .key-checkpoint, .key-playedStream { border-color: var(--ack); }
.key-clearAudio, .key-clearedAudio, .key-violation { border-color: var(--bad); }
.key-dtmf { border-color: var(--caller); } .key-sendDTMF { border-color: var(--warn); }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  .columns { grid-template-columns: 1fr 1fr; }
  section, tr, svg { break-inside: avoid; }
  .grid thead th { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

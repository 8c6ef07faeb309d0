/**
 * Small helpers of the call report: HTML escaping (every string from the call is untrusted: a
 * checkpoint name, an extra_headers value or a violating frame can hold markup) and number
 * formatting.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML and SVG content and for quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** Call time as seconds with two decimals: `1.24 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A duration in ms, whole when it is: `40 ms`, `12.5 ms`. */
export function millis(ms: number): string {
  return `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;
}

/** `text` cut to `max` characters with an ellipsis, for labels (the full text goes in a title). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A table row of already-escaped cells; the first is a header cell. */
export function row(label: string, ...cells: string[]): string {
  return `<tr><th scope="row">${label}</th>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

/** Markdown tables and the number formats the bench prints. */

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fixed = (n: number | undefined, digits = 1): string =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);

export const integer = (n: number): string => Math.round(n).toLocaleString('en-US');

export const megabytes = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

export const kilobytes = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

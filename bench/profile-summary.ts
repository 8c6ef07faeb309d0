/**
 * Where a server's CPU time goes, from a V8 `.cpuprofile` (`node --cpu-prof`): self time by
 * function and by area (callstream, ws, node internals, GC, ...), idle time left out.
 */
import { readFile } from 'node:fs/promises';
import { fixed, table } from './markdown.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Busy (not idle) time in the profile, ms. */
  busyMs: number;
  areas: { area: string; percent: number }[];
  functions: { name: string; where: string; area: string; percent: number }[];
}

function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (program)';
  if (url.includes('/packages/core/')) return 'callstream';
  if (url.includes('/ws/lib/')) return 'ws';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:')) return 'node internals';
  return url === '' ? 'native' : 'other';
}

function shortUrl(url: string): string {
  const cut = url.search(/packages\/core\/|ws\/lib\/|bench\/|node:/);
  return cut >= 0 ? url.slice(cut) : url;
}

export async function summarizeProfile(path: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const functions = new Map<string, { name: string; where: string; area: string; us: number }>();
  const areas = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busyUs += us;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const where = url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`;
    const area = areaOf(url, functionName);
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, area, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const percent = (us: number): number => (busyUs === 0 ? 0 : (us / busyUs) * 100);
  return {
    busyMs: busyUs / 1000,
    areas: [...areas]
      .sort((x, y) => y[1] - x[1])
      .map(([area, us]) => ({ area, percent: percent(us) })),
    functions: [...functions.values()]
      .sort((x, y) => y.us - x.us)
      .slice(0, top)
      .map(({ name, where, area, us }) => ({ name, where, area, percent: percent(us) })),
  };
}

export function profileTables(summary: ProfileSummary): string {
  return [
    table(
      ['area', '% of busy time'],
      summary.areas.map((a) => [a.area, fixed(a.percent)]),
    ),
    table(
      ['function', 'where', 'area', '% self'],
      summary.functions.map((f) => [f.name, f.where, f.area, fixed(f.percent)]),
    ),
  ].join('\n\n');
}

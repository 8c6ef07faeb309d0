/**
 * CPU used by the whole machine over a window (Linux /proc/stat), so a load point can tell how
 * much CPU processes other than the bench took from it. On a 2-core machine a compiler or test
 * run elsewhere is enough to make the server or the generator miss its deadlines.
 */
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  busy: number;
  total: number;
}

/** Aggregate CPU times now, or undefined where /proc/stat does not exist. */
export function readCpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu  user nice system idle iowait irq softirq steal ...
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, n) => sum + n, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Busy CPU of the machine between two readings, as % of one core (2 busy cores = 200). */
export function machineCpuPercent(from: CpuTimes, to: CpuTimes, cores: number): number {
  const total = to.total - from.total;
  return total <= 0 ? 0 : ((to.busy - from.busy) / total) * cores * 100;
}

/** The machine a result came from: numbers are only comparable on the same one. */
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { PINNED } from './child.js';
import { hasBufferutil } from './deps.js';
import { machineCpuPercent, readCpuTimes } from './system-load.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  /** Server and generators each pinned to their own CPU (taskset). */
  pinned: boolean;
  bufferutil: boolean;
  /**
   * CPU other processes used in the second before the bench started, % of one core (undefined
   * without /proc/stat). The load average would not do: the build that runs first raises it.
   */
  busyAtStart: number | undefined;
}

export async function machineInfo(): Promise<MachineInfo> {
  const before = readCpuTimes();
  await sleep(1000);
  const after = readCpuTimes();
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
    pinned: PINNED,
    bufferutil: hasBufferutil(),
    busyAtStart:
      before === undefined || after === undefined
        ? undefined
        : machineCpuPercent(before, after, availableParallelism()),
  };
}

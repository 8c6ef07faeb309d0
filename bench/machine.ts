/** The machine a result came from: numbers are only comparable on the same one. */
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { PINNED } from './child.js';
import { hasBufferutil } from './deps.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  /** Server and generator each pinned to their own CPU (taskset). */
  pinned: boolean;
  bufferutil: boolean;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
    pinned: PINNED,
    bufferutil: hasBufferutil(),
  };
}

/** The machine a result came from: numbers are only comparable on the same one. */
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
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
  /** 1-minute load average when the bench started: above ~0.5 something else is running. */
  loadAverage: number;
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
    loadAverage: loadavg()[0] ?? 0,
  };
}

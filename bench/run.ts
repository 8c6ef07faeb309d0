/**
 * `pnpm bench`: the pipeline bench, then the server benches (load, capacity, memory). Prints one
 * markdown table per section and writes everything to bench/results/latest.json. See README.md.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MAX_OTHER_CPU_PERCENT, runCapacity, type CapacityResult } from './capacity.js';
import { INBOUND_VARIANTS, VARIANT_NAMES } from './ipc.js';
import { machineInfo } from './machine.js';
import { runMemory, type MemoryResult } from './memory.js';
import { parseOptions, USAGE } from './options.js';
import { runPipelineBench } from './pipeline.js';
import { profileTables, summarizeProfile, type ProfileSummary } from './profile-summary.js';
import {
  capacityTable,
  checkTargets,
  machineTable,
  memoryTable,
  serverTable,
  targetsTable,
} from './report.js';
import { runServerBench, type ServerBenchResult } from './server-bench.js';

const options = (() => {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();
if (options === 'help') {
  console.log(USAGE);
  process.exit(0);
}

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
const profileDir = options.profile ? `${resultsDir}profiles` : undefined;
const started = Date.now();
const progress = (line: string): void =>
  console.error(`  [${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);
const machine = await machineInfo();

console.log(`# callstream bench${options.quick ? ' (quick)' : ''}\n\n${machineTable(machine)}\n`);
if (machine.busyAtStart !== undefined && machine.busyAtStart > MAX_OTHER_CPU_PERCENT) {
  console.log(
    `> Other processes are using ${machine.busyAtStart.toFixed(0)} % of a core: socket numbers will be noisy; ` +
      'load points where they took CPU are marked "disturbed".\n',
  );
}

let pipeline: Awaited<ReturnType<typeof runPipelineBench>> | undefined;
if (options.sections.has('pipeline')) {
  console.log('## Pipeline (per 20 ms frame)\n');
  pipeline = await runPipelineBench({ quick: options.quick });
}

let server: ServerBenchResult | undefined;
if (options.sections.has('server')) {
  if (profileDir !== undefined) {
    await rm(profileDir, { recursive: true, force: true });
    await mkdir(profileDir, { recursive: true });
  }
  server = await runServerBench(options, profileDir, (p) =>
    progress(
      `server ${p.variant} × ${p.calls}: CPU ${p.server.cpuPercent.toFixed(1)} %, loop p99 ${p.server.eventLoopP99Ms.toFixed(1)} ms`,
    ),
  );
  console.log(
    `## Server under real-time load (${options.windowMs / 1000} s window after ${options.warmupMs / 1000} s warmup)\n\n${serverTable(server)}\n`,
  );
}

const profiles: Record<string, ProfileSummary> = {};
if (profileDir !== undefined && server !== undefined) {
  for (const file of (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const summary = await summarizeProfile(`${profileDir}/${file}`);
    profiles[file] = summary;
    console.log(
      `### CPU profile: ${file} (${summary.busyMs.toFixed(0)} ms busy)\n\n${profileTables(summary)}\n`,
    );
  }
}

const capacity: CapacityResult[] = [];
const inbound = options.variants.filter((v) => INBOUND_VARIANTS.includes(v));
if (options.sections.has('capacity')) {
  for (const variant of inbound) {
    capacity.push(
      await runCapacity(variant, options.capacity, options.generators, (s) =>
        progress(
          `capacity ${variant} × ${s.calls}: loop p99 ${s.point.server.eventLoopP99Ms.toFixed(1)} ms, ` +
            `CPU ${s.point.server.cpuPercent.toFixed(0)} % ${s.verdict.pass ? 'ok' : `FAIL (${s.verdict.reasons.join('; ')})`}`,
        ),
      ),
    );
  }
  console.log(
    `## Capacity (calls per core: the server process is pinned to one CPU)\n\n${capacityTable(capacity)}\n`,
  );
}

const memory: MemoryResult[] = [];
if (options.sections.has('memory')) {
  for (const variant of inbound) {
    const result = await runMemory(variant, options.memoryCalls, options.memorySettleMs);
    memory.push(result);
    progress(`memory ${VARIANT_NAMES[variant]}: ${result.calls} calls`);
  }
  console.log(`## Memory per stream\n\n${memoryTable(memory)}\n`);
}

const targets = checkTargets(server, capacity, memory, pipeline?.resampler ?? []);
if (targets.length > 0) console.log(`## Targets\n\n${targetsTable(targets)}\n`);

await mkdir(resultsDir, { recursive: true });
const json = {
  machine,
  options: { ...options, sections: [...options.sections] },
  pipeline,
  server,
  capacity,
  memory,
  profiles,
  targets,
};
await writeFile(`${resultsDir}latest.json`, `${JSON.stringify(json, null, 2)}\n`);
console.log(`Results: bench/results/latest.json (${((Date.now() - started) / 1000).toFixed(0)} s)`);

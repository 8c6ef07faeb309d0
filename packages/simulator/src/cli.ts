#!/usr/bin/env node
/**
 * The `callstream-sim` executable: runs {@link main} on the process's arguments. The first Ctrl-C
 * hangs the call up (and the summary is still printed); a second one exits at once.
 */
import { main } from './cli-main.js';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: interrupt.signal,
});
// Nothing else should keep the process alive once the call is over.
process.removeAllListeners('SIGINT');

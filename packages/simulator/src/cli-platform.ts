/**
 * `callstream-sim platform`: a long-lived fake platform. Prints its base URL and credentials
 * (and a curl line to try), logs each REST request and status callback, and closes on Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { CliIo } from './cli-main.js';
import type { PlatformCommand } from './cli-platform-args.js';
import { startFakePlatform } from './platform/fake-platform.js';

export async function runPlatform(command: PlatformCommand, io: CliIo): Promise<number> {
  let fake;
  try {
    fake = await startFakePlatform(command.platform);
  } catch (err) {
    io.stderr.write(`callstream-sim: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const vobiz = fake.platform === 'vobiz';
  const auth = vobiz
    ? `-H 'X-Auth-ID: ${fake.authId}' -H 'X-Auth-Token: ${fake.authToken}'`
    : `-u '${fake.authId}:${fake.authToken}'`;
  const lines = [
    `fake ${fake.platform} platform`,
    `  base URL    ${fake.baseUrl}`,
    `  auth id     ${fake.authId}`,
    `  auth token  ${fake.authToken}`,
  ];
  const write = (line: string): unknown => io.stdout.write(`${line}\n`);
  fake.on('call', (call) => {
    write(`call ${call.callUuid} placed`);
    const seen = new Set<string>();
    call.on('stream', (stream) => {
      write(`stream ${stream.streamId} connecting to ${stream.spec.serviceUrl}`);
      if (seen.has(stream.streamId)) return;
      seen.add(stream.streamId);
      void stream.done.then((r) =>
        write(`stream ${r.streamId} ended: ${r.end}${r.error ? ` (${r.error})` : ''}`),
      );
    });
    void call.done.then((r) => write(`call ${r.callUuid} ended: ${r.end}`));
  });
  fake.on('request', (r) => io.stdout.write(`${r.method} ${r.url} → ${r.status}\n`));
  fake.on('callback', (c) =>
    io.stdout.write(
      `callback ${c.event} ${c.method} ${c.url} → ${c.response ? c.response.status : c.error}\n`,
    ),
  );
  const uuid = command.call ? randomUUID() : '<CallUUID>';
  if (command.call) lines.push(`  live call   ${uuid}`);
  lines.push(
    `try:`,
    `  curl ${auth} -H 'Content-Type: application/json' \\`,
    `    -d '{"service_url":"ws://127.0.0.1:8080/stream"}' ${fake.baseUrl}Call/${uuid}/Stream/`,
    `Ctrl-C to stop.`,
  );
  io.stdout.write(lines.join('\n') + '\n');
  if (command.call) fake.createCall({ callUuid: uuid });
  if (io.signal !== undefined && !io.signal.aborted) await once(io.signal, 'abort');
  await fake.close();
  io.stdout.write('fake platform closed\n');
  return 0;
}

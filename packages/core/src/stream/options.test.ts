import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { resolveSocketOptions, SOCKET_DEFAULTS } from '../socket-options.js';
import { resolveStreamOptions, STREAM_DEFAULTS, type StreamOptions } from './options.js';

const logger = { ...silentLogger, child: () => logger };

describe('resolveStreamOptions', () => {
  it('spreads the documented defaults under the options, in one object', () => {
    expect(STREAM_DEFAULTS).toStrictEqual({
      startTimeoutMs: 10_000,
      heartbeatMs: 20_000,
      bufferMs: 5_000,
      fillGaps: false,
      chunkMs: 20,
      leadMs: 200,
      clearTimeoutMs: 2_000,
      maxBacklogBytes: 262_144,
      backlogTimeoutMs: 10_000,
      logger: silentLogger,
    });
    expect(resolveStreamOptions()).toStrictEqual(STREAM_DEFAULTS);
    expect(resolveStreamOptions({ chunkMs: 40, leadMs: undefined, logger })).toStrictEqual({
      ...STREAM_DEFAULTS,
      chunkMs: 40,
      logger,
    });
  });

  it('keeps only stream options: a server option such as path or port does not reach a stream', () => {
    const format = { encoding: 'audio/x-l16', sampleRate: 16000 } as const;
    const options = { path: '/stream', port: 8080, outputFormat: format } as StreamOptions;
    expect(resolveStreamOptions(options)).toStrictEqual({
      ...STREAM_DEFAULTS,
      outputFormat: format,
    });
  });

  it('throws a TypeError naming each invalid or contradictory option', () => {
    const bad: [StreamOptions, string][] = [
      [{ startTimeoutMs: 0 }, 'startTimeoutMs'],
      [{ maxBacklogBytes: 1000 }, 'maxBacklogBytes'],
      [{ backlogTimeoutMs: 0 }, 'backlogTimeoutMs'],
      [{ startTimeoutMs: 1.5 }, 'startTimeoutMs'],
      [{ startTimeoutMs: '10' as never }, 'startTimeoutMs'],
      [{ heartbeatMs: -1 }, 'heartbeatMs'],
      [{ heartbeatMs: Number.NaN }, 'heartbeatMs'],
      [{ bufferMs: 19 }, 'bufferMs'],
      [{ fillGaps: 'yes' as never }, 'fillGaps'],
      [{ chunkMs: 30 }, 'chunkMs'],
      [{ chunkMs: 120 }, 'chunkMs'],
      [{ chunkMs: 0 }, 'chunkMs'],
      [{ leadMs: 10 }, 'leadMs'], // less than the default chunkMs
      [{ chunkMs: 100, leadMs: 80 }, 'leadMs'],
      [{ clearTimeoutMs: 0 }, 'clearTimeoutMs'],
      [{ logger: {} as never }, 'logger'],
      [{ logger: null as never }, 'logger'],
      [{ outputFormat: { encoding: 'audio/x-mulaw', sampleRate: 16000 } }, 'outputFormat'],
      [{ outputFormat: { encoding: 'audio/x-l16', sampleRate: 48000 } }, 'outputFormat'],
      [{ outputFormat: { encoding: 'audio/x-alaw' as never, sampleRate: 8000 } }, 'outputFormat'],
      [{ outputFormat: null as never }, 'outputFormat'],
      // maxPayload cannot apply to a socket that is already open: it belongs to the server.
      [{ maxPayload: 65_536 } as StreamOptions, 'maxPayload'],
    ];
    for (const [options, name] of bad) {
      expect(() => resolveStreamOptions(options), name).toThrowError(TypeError);
      expect(() => resolveStreamOptions(options), name).toThrowError(`Invalid option "${name}"`);
    }
    expect(() => resolveStreamOptions(null as never)).toThrowError(TypeError);
  });

  it('names the formats outputFormat may take', () => {
    expect(() =>
      resolveStreamOptions({ outputFormat: { encoding: 'audio/x-l16', sampleRate: 48000 } }),
    ).toThrowError(
      'Invalid option "outputFormat": audio/x-mulaw at 8000 Hz or audio/x-l16 at 8000, 16000 or 24000 Hz',
    );
  });
});

describe('resolveSocketOptions', () => {
  it('defaults maxPayload to 64 KiB and takes any integer from 4096', () => {
    expect(SOCKET_DEFAULTS).toStrictEqual({ maxPayload: 65_536 });
    expect(resolveSocketOptions({})).toStrictEqual({ maxPayload: 65_536 });
    expect(resolveSocketOptions({ maxPayload: undefined })).toStrictEqual({ maxPayload: 65_536 });
    expect(resolveSocketOptions({ maxPayload: 4096 })).toStrictEqual({ maxPayload: 4096 });
  });

  it('throws a TypeError naming maxPayload when it is not an integer >= 4096', () => {
    for (const maxPayload of [4095, 0, 8192.5, '65536', Number.POSITIVE_INFINITY]) {
      expect(() => resolveSocketOptions({ maxPayload: maxPayload as never })).toThrowError(
        'Invalid option "maxPayload": an integer >= 4096',
      );
    }
  });
});

import { checkOption, definedOnly, isInt } from './stream/options.js';

/**
 * Options that apply where WebSocket connections are accepted: the standalone server, the http
 * adapter and the Fastify plugin. `acceptStream` gets a socket that is already open, so they
 * cannot apply there. The defaults are in {@link SOCKET_DEFAULTS}.
 */
export interface SocketOptions {
  /** Largest accepted WebSocket message in bytes, at least 4096; bigger ones close the socket with 1009. Default `65_536` (a 24 kHz L16 frame is about 1.5 KB). */
  maxPayload?: number;
}

/** The defaults spread under every {@link SocketOptions}. */
export const SOCKET_DEFAULTS = {
  maxPayload: 65_536,
} as const satisfies Required<SocketOptions>;

const SOCKET_KEYS = Object.keys(SOCKET_DEFAULTS) as (keyof SocketOptions)[];

/**
 * Spreads the defaults under the socket options among `options` and throws a `TypeError` naming
 * any invalid one.
 *
 * @example
 * const { maxPayload } = resolveSocketOptions(options); // 65_536 unless options.maxPayload is set
 * const wss = new WebSocketServer({ noServer: true, maxPayload });
 */
export function resolveSocketOptions(options: SocketOptions): Required<SocketOptions> {
  const o: Required<SocketOptions> = { ...SOCKET_DEFAULTS, ...definedOnly(options, SOCKET_KEYS) };
  checkOption(
    isInt(o.maxPayload) && o.maxPayload >= 4096,
    'maxPayload',
    'an integer >= 4096',
    o.maxPayload,
  );
  return o;
}

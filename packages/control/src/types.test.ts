import { describe, expectTypeOf, it } from 'vitest';
import {
  createStreamApi,
  parseStreamStatus,
  type PlatformError,
  streamXml,
  type StartedStream,
  type StreamAttributes,
  type StreamList,
  type StreamRecord,
  type StreamStatusEvent,
} from './index.js';

describe('public types', () => {
  it('types the XML attributes, the API results and the callback events', () => {
    expectTypeOf(streamXml).parameter(1).toEqualTypeOf<StreamAttributes | undefined>();
    expectTypeOf<StreamAttributes['audioTrack']>().toEqualTypeOf<
      'inbound' | 'outbound' | 'both' | undefined
    >();
    expectTypeOf<StreamAttributes['bidirectional']>().toEqualTypeOf<
      boolean | 'true' | 'false' | undefined
    >();
    const _snakeCase = (): string =>
      // @ts-expect-error: a snake_case name is no attribute
      streamXml('wss://x/y', { audio_track: 'inbound' });

    const api = createStreamApi({ platform: 'vobiz', authId: 'MA_1', authToken: 't' });
    expectTypeOf(api.start).returns.resolves.toEqualTypeOf<StartedStream>();
    expectTypeOf(api.get).returns.resolves.toEqualTypeOf<StreamRecord>();
    expectTypeOf(api.list).returns.resolves.toEqualTypeOf<StreamList>();
    expectTypeOf(api.stop).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf<PlatformError['code']>().toEqualTypeOf<
      'ERR_PLATFORM_HTTP' | 'ERR_PLATFORM_TIMEOUT' | 'ERR_PLATFORM_NETWORK'
    >();

    expectTypeOf(parseStreamStatus).returns.toEqualTypeOf<StreamStatusEvent>();
    expectTypeOf<StreamStatusEvent['event']>().toExtend<string>();
    expectTypeOf<'DroppedStream'>().toExtend<StreamStatusEvent['event']>();
  });
});

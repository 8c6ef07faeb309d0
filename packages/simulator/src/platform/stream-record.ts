/**
 * A stream as the REST API shows it (CONTROL.md §2.3), from the fake's clock: Plivo's fields with
 * `plivo_auth_id` and `"2026-01-02 03:04:05+00:00"` times, or Vobiz's with `account_id`, ISO-8601
 * times, `sampling_rate` and its status names. Billing: `bill_duration` is whole seconds from
 * connection to end, `rounded_bill_duration` that rounded up to a minute, `billed_amount` the
 * minutes at `ratePerMinute` (5 decimals).
 */
import type { FakeStream } from './fake-stream.js';
import type { ResolvedPlatformOptions } from './platform-options.js';

function plivoTime(ms: number, micros = false): string {
  const iso = new Date(ms).toISOString(); // 2026-01-02T03:04:05.678Z
  const seconds = iso.slice(0, 19).replace('T', ' ');
  return `${seconds}${micros ? `.${iso.slice(20, 23)}000` : ''}+00:00`;
}

function vobizTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** `/v1/Account/{authId}/Call/{callUuid}/Stream/{streamId}/` (Vobiz too, without `/api`). */
export function resourceUri(authId: string, callUuid: string, streamId = ''): string {
  return `/v1/Account/${authId}/Call/${callUuid}/Stream/${streamId === '' ? '' : `${streamId}/`}`;
}

/** The stream's JSON object, without `api_id`. */
export function streamRecord(
  stream: FakeStream,
  callUuid: string,
  options: ResolvedPlatformOptions,
): Record<string, unknown> {
  const { spec } = stream;
  const vobiz = options.platform === 'vobiz';
  const time = vobiz ? vobizTime : plivoTime;
  const billSeconds =
    stream.startedAt !== undefined && stream.endedAt !== undefined
      ? Math.floor((stream.endedAt - stream.startedAt) / 1000)
      : 0;
  const rounded = Math.ceil(billSeconds / 60) * 60;
  const status = vobiz && stream.status === 'initiated' ? 'in-progress' : stream.status;
  return {
    audio_track: spec.audioTrack,
    bidirectional: spec.bidirectional,
    bill_duration: billSeconds,
    billed_amount: ((rounded / 60) * options.ratePerMinute).toFixed(5),
    call_uuid: callUuid,
    content_type: spec.contentType,
    created_at: vobiz ? vobizTime(stream.createdAt) : plivoTime(stream.createdAt, true),
    end_time: stream.endedAt === undefined ? null : time(stream.endedAt),
    [vobiz ? 'account_id' : 'plivo_auth_id']: options.authId,
    resource_uri: resourceUri(options.authId, callUuid, stream.streamId),
    rounded_bill_duration: rounded,
    ...(vobiz && { sampling_rate: spec.format.sampleRate }),
    service_url: spec.serviceUrl,
    start_time: stream.startedAt === undefined ? null : time(stream.startedAt),
    status,
    status_callback_method: spec.statusCallbackMethod,
    status_callback_url: spec.statusCallbackUrl ?? '',
    stream_id: stream.streamId,
    stream_timeout: spec.streamTimeout,
  };
}

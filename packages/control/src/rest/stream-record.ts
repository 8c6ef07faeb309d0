/**
 * The platform's stream objects, normalised: Plivo and Vobiz name a few fields differently
 * (`plivo_auth_id` / `account_id`, the list totals) and type some loosely (numbers as strings).
 */

/** One stream as `get()` and `list()` return it. Fields the answer lacks are undefined. */
export interface StreamRecord {
  streamId: string;
  callUuid?: string;
  serviceUrl?: string;
  audioTrack?: string;
  bidirectional?: boolean;
  contentType?: string;
  /** Vobiz: `in-progress`, `completed` or `failed`; Plivo's list fixtures show `initiated`. */
  status?: string;
  startTime?: string;
  endTime?: string;
  createdAt?: string;
  /** Seconds. */
  billDuration?: number;
  roundedBillDuration?: number;
  /** As the platform writes it (a decimal string), so no precision is lost. */
  billedAmount?: string;
  /** Plivo's `plivo_auth_id` or Vobiz's `account_id`. */
  accountId?: string;
  resourceUri?: string;
  streamTimeout?: number;
  statusCallbackUrl?: string;
  statusCallbackMethod?: string;
  samplingRate?: number;
  apiId?: string;
  /** The object exactly as the platform sent it, unknown fields included. */
  raw: Readonly<Record<string, unknown>>;
}

/** What `list()` resolves to. */
export interface StreamList {
  objects: StreamRecord[];
  /** From `meta.total_count`, `meta.count`, `meta.total` or a top-level `total`/`count`. */
  total?: number;
  limit?: number;
  offset?: number;
  /** URI of the next page (Plivo `meta.next`), when there is one. */
  next?: string;
  previous?: string;
  apiId?: string;
  /** The answer exactly as the platform sent it. */
  raw: unknown;
}

type Json = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

function number(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function boolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** A stream object, or undefined when it has no `stream_id`. */
export function toStreamRecord(value: unknown): StreamRecord | undefined {
  if (!isObject(value)) return undefined;
  const streamId = text(value.stream_id);
  if (streamId === undefined || streamId === '') return undefined;
  const fields: Omit<StreamRecord, 'raw'> = {
    streamId,
    callUuid: text(value.call_uuid),
    serviceUrl: text(value.service_url),
    audioTrack: text(value.audio_track),
    bidirectional: boolean(value.bidirectional),
    contentType: text(value.content_type),
    status: text(value.status),
    startTime: text(value.start_time),
    endTime: text(value.end_time),
    createdAt: text(value.created_at),
    billDuration: number(value.bill_duration),
    roundedBillDuration: number(value.rounded_bill_duration),
    billedAmount: text(value.billed_amount),
    accountId: text(value.plivo_auth_id) ?? text(value.account_id),
    resourceUri: text(value.resource_uri),
    streamTimeout: number(value.stream_timeout),
    statusCallbackUrl: text(value.status_callback_url),
    statusCallbackMethod: text(value.status_callback_method),
    samplingRate: number(value.sampling_rate),
    apiId: text(value.api_id),
  };
  return { ...withoutUndefined(fields), raw: value };
}

/**
 * A list answer: Plivo's `{ api_id, meta: { limit, offset, total_count, next, previous }, objects }`,
 * Vobiz's `{ page, per_page, total, objects }`, or (older Vobiz docs) one stream object.
 * Undefined when it is none of these.
 */
export function toStreamList(value: unknown): StreamList | undefined {
  if (!isObject(value)) return undefined;
  if (!Array.isArray(value.objects)) {
    const single = toStreamRecord(value);
    return single && { objects: [single], total: 1, raw: value };
  }
  const objects: StreamRecord[] = [];
  for (const item of value.objects) {
    const record = toStreamRecord(item);
    if (record === undefined) return undefined;
    objects.push(record);
  }
  const meta = isObject(value.meta) ? value.meta : {};
  const list: Omit<StreamList, 'raw' | 'objects'> = {
    total:
      number(meta.total_count) ??
      number(meta.count) ??
      number(meta.total) ??
      number(value.total) ??
      number(value.count),
    limit: number(meta.limit) ?? number(value.per_page) ?? number(value.limit),
    offset: number(meta.offset) ?? number(value.offset),
    next: text(meta.next),
    previous: text(meta.previous),
    apiId: text(value.api_id),
  };
  return { objects, ...withoutUndefined(list), raw: value };
}

function withoutUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The platform's request to a call's answer URL: the usual call parameters, signed, with the
 * method asked for; then the document read into verbs, or the problems that stop it.
 */
import { readAnswerDocument } from './answer-document.js';
import type { AnswerProblem, AnswerVerb } from './answer-document.js';
import { sendSigned } from './outbound-request.js';
import type { HttpExchange } from './outbound-request.js';
import type { ResolvedPlatformOptions } from './platform-options.js';

/** What the answer URL gave: verbs to run, or problems (then `verbs` is undefined). */
export interface AnswerOutcome {
  exchange: HttpExchange;
  verbs: AnswerVerb[] | undefined;
  problems: AnswerProblem[];
}

/** Requests `url` for the call and reads its document. Never throws. */
export async function requestAnswer(
  options: ResolvedPlatformOptions,
  call: { callUuid: string; from: string; to: string },
  url: string,
  method: 'GET' | 'POST',
  signal: AbortSignal,
): Promise<AnswerOutcome> {
  const params = {
    CallUUID: call.callUuid,
    From: call.from,
    To: call.to,
    CallerName: call.from,
    Direction: 'inbound',
    CallStatus: 'in-progress',
    Event: 'StartApp',
    ALegUUID: call.callUuid,
    ALegRequestUUID: call.callUuid,
    RequestUUID: call.callUuid,
    BillRate: '0.00850',
    ParentAuthID: options.authId,
  };
  const ctx = {
    platform: options.platform,
    authToken: options.authToken,
    timeoutMs: options.requestTimeoutMs,
  };
  const exchange = await sendSigned(ctx, method, url, params, signal);
  const { response } = exchange;
  if (response === undefined) {
    const message = `${url}: ${exchange.error}`;
    return { exchange, verbs: undefined, problems: [{ code: 'answer-unreachable', message }] };
  }
  if (response.status < 200 || response.status > 299) {
    const message = `${url} answered HTTP ${response.status}`;
    return { exchange, verbs: undefined, problems: [{ code: 'answer-http-status', message }] };
  }
  const { verbs, problems } = readAnswerDocument(response.body, options.platform);
  return { exchange, verbs: problems.length === 0 ? verbs : undefined, problems };
}

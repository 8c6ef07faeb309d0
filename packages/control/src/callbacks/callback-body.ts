/**
 * Reading a status callback's body: from the request stream with a size limit, or from what a
 * body parser left, as form or JSON parameters.
 */

import type { IncomingMessage } from 'node:http';
import { CallstreamError } from '@callstream/core';
import { toCallbackParams, type CallbackParams } from './stream-status.js';

/** Marks a body another handler read without leaving `req.body`. */
export const CONSUMED = Symbol('consumed');

export function bodyParams(body: unknown, contentType: string, maxBytes: number): CallbackParams {
  if (body instanceof URLSearchParams) return toCallbackParams(body);
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    if (Buffer.byteLength(body) > maxBytes) throw tooLarge(maxBytes);
    return parseText(body.toString(), contentType);
  }
  if (body === undefined) return parseText('', contentType);
  if (typeof body !== 'object' || body === null) {
    throw new CallstreamError(
      'ERR_INVALID_CALLBACK',
      'Status callback body was read by another handler without leaving req.body',
    );
  }
  return jsonParams(body);
}

function parseText(text: string, contentType: string): CallbackParams {
  if (contentType === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new CallstreamError('ERR_INVALID_CALLBACK', 'Status callback body is not JSON', {
        cause,
      });
    }
    return jsonParams(value);
  }
  if (contentType === '' || contentType === 'application/x-www-form-urlencoded') {
    return toCallbackParams(new URLSearchParams(text));
  }
  throw new CallstreamError(
    'ERR_INVALID_CALLBACK',
    `Status callback body of type ${contentType}: expected application/x-www-form-urlencoded or application/json`,
  );
}

/** A JSON object's members as parameters: numbers and booleans as text, null as empty. */
function jsonParams(value: unknown): CallbackParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CallstreamError('ERR_INVALID_CALLBACK', 'Status callback body is not an object');
  }
  const scalar = (v: unknown): unknown =>
    v === null ? '' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  return toCallbackParams(
    Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v.map(scalar) : scalar(v)]),
    ),
  );
}

export function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Node drains what is left once the response is sent.
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (cause: unknown): void => {
      cleanup();
      reject(
        new CallstreamError('ERR_INVALID_CALLBACK', 'Status callback body could not be read', {
          cause,
        }),
      );
    };
    const onAborted = (): void => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

export function tooLarge(maxBytes: number): CallstreamError {
  return new CallstreamError(
    'ERR_CALLBACK_TOO_LARGE',
    `Status callback body larger than maxBytes (${maxBytes})`,
  );
}

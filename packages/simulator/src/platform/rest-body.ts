/**
 * Reading a REST request body: bounded (a larger body is refused before it is all read), and
 * parsed as a JSON object when the route needs one.
 */
import type { IncomingMessage } from 'node:http';

/** A request the API refuses: its HTTP status and the `error` text of the body. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Reads the whole body as text; rejects with a 413 {@link RestError} above `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(new RestError(413, `request body larger than ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the client gets to read the 413.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) chunks.length = 0;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBytes) reject(new RestError(413, `request body larger than ${maxBytes} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => reject(new RestError(400, `could not read the body: ${err.message}`)));
  });
}

/** The body as a JSON object: `Content-Type: application/json` and an object, else a 400. */
export function jsonObject(req: IncomingMessage, body: string): Record<string, unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new RestError(400, 'Content-Type must be application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new RestError(400, 'the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RestError(400, 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

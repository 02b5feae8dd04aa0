/**
 * Request bodies, the same way on every surface: a size limit enforced before anything is parsed (a
 * declared Content-Length over the limit is refused unread; a chunked body is counted as it arrives),
 * and JSON read with a clear 400/415.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { HttpError, jsonError } from './errors.js';

/** 413 with the limit in the message; @hono/node-server drains or drops the unread rest of the body. */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  return honoBodyLimit({
    maxSize: maxBytes,
    onError: (c) => jsonError(c, 413, 'too_large', `request body larger than ${maxBytes} bytes`, { headers: { Connection: 'close' } }),
  });
}

export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The body as text ('' when there is none). Runs behind bodyLimit, so it is bounded. */
export async function bodyText(c: Context): Promise<string> {
  return c.req.raw.body ? await c.req.text() : '';
}

/** Parses JSON or throws HttpError 400 naming the parse error. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, 'invalid', `body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The JSON object in the body ({} when the body is empty); 415 when a body is not sent as
 * application/json, 400 when it is not a JSON object.
 */
export async function readJsonObject(c: Context, hint = 'or use query parameters'): Promise<Record<string, unknown>> {
  const text = (await bodyText(c)).trim();
  if (text === '') return {};
  const type = mediaType(c);
  if (type !== 'application/json') throw new HttpError(415, 'unsupported_media_type', `send the body as application/json (got "${type || 'none'}"), ${hint}`);
  const value = parseJson(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'invalid', 'body must be a JSON object');
  return value as Record<string, unknown>;
}

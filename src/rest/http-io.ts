/**
 * Small node:http helpers for the REST face: JSON answers and a size-limited JSON body reader.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RestError } from './errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** The JSON object in the body, {} when there is none; RestError 400/413/415 otherwise. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new RestError(413, 'too_large', `request body larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RestError(413, 'too_large', `request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new RestError(415, 'unsupported_media_type', `send the body as application/json (got "${type || 'none'}"), or use query parameters`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RestError(400, 'invalid', `body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RestError(400, 'invalid', 'body must be a JSON object');
  return value as Record<string, unknown>;
}

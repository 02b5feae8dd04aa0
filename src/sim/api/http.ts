/**
 * Small HTTP helpers shared by the API handlers: the request context, body reading with a size limit,
 * query parsing and the Status-shaped replies that client-node and kubectl decode.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../base/clock.js';
import type { Logger } from '../../base/log.js';
import { ApiError } from '../errors.js';
import type { ObjectStore } from '../store.js';
import type { Admission } from './admission.js';
import type { SimProviders } from './providers.js';

/** What every handler gets: the request, its parsed URL and the simulator it serves. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  query: URLSearchParams;
  store: ObjectStore;
  clock: Clock;
  providers: SimProviders;
  admission: Admission;
  logger: Logger;
  /** Streams (watches) register a closer here so server.close() can end them. */
  streams: Set<() => void>;
  bodyLimit: number;
  /** Reported by /sim/v1/info. */
  simVersion: string;
}

export function sendJson(ctx: Ctx, code: number, body: unknown): void {
  sendRaw(ctx, code, 'application/json', JSON.stringify(body));
}

export function sendRaw(ctx: Ctx, code: number, contentType: string, body: string | Buffer): void {
  const { res } = ctx;
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * Sends a body produced piece by piece. One piece goes out with a Content-Length like `sendRaw`; more are
 * written chunked, waiting for the socket to drain between pieces so a slow reader never makes the server
 * buffer the whole body. Resolves when the body is handed to the socket or the client has gone away.
 */
export async function sendChunks(ctx: Ctx, code: number, contentType: string, pieces: Iterable<Buffer>): Promise<void> {
  const it = pieces[Symbol.iterator]();
  const first = it.next();
  if (first.done) return sendRaw(ctx, code, contentType, Buffer.alloc(0));
  let next = it.next();
  if (next.done) return sendRaw(ctx, code, contentType, first.value);
  const { res } = ctx;
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  if (!res.write(first.value)) await drained(res);
  while (!next.done) {
    if (res.destroyed) return;
    if (!res.write(next.value)) await drained(res);
    next = it.next();
  }
  if (!res.destroyed) res.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function sendError(ctx: Ctx, err: ApiError): void {
  sendJson(ctx, err.code, err.toStatus());
}

export function successStatus(details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) };
}

/** The generic 404 a real API server gives for a path it does not serve. */
export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

export function methodNotAllowed(method: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

/** Reads the whole body, refusing more than `limit` bytes with 413 before buffering it. */
export async function readBody(ctx: Ctx): Promise<Buffer> {
  const { req, bodyLimit } = ctx;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > bodyLimit) throw tooLarge(bodyLimit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bodyLimit) throw tooLarge(bodyLimit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `the request body is larger than the limit of ${limit} bytes`);
}

/** Media type without parameters, lower-cased: `application/json; charset=utf-8` -> `application/json`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Parses a JSON request body; a malformed one is a 400 as on a real API server. */
export function parseJson(buf: Buffer, what = 'request body'): unknown {
  const text = buf.toString('utf8');
  if (text.trim() === '') throw ApiError.badRequest(`the ${what} is empty`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw ApiError.badRequest(`couldn't parse the ${what} as JSON: ${(e as Error).message}`);
  }
}

export function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An optional non-negative integer query parameter; anything else is a 400. */
export function queryInt(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw ApiError.badRequest(`invalid value for ${name}: "${raw}" is not an integer`);
  return Number(raw);
}

export function queryBool(q: URLSearchParams, name: string): boolean {
  const raw = q.get(name);
  return raw === '1' || raw === 'true';
}

/** `dryRun=All` asks to validate and answer without storing anything. */
export function isDryRun(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw ApiError.badRequest(`unsupported dryRun value "${v}"; only "All" is supported`);
  return values.length > 0;
}

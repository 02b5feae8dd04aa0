/**
 * The one JSON error shape of every HTTP surface (REST, /mcp's non-protocol refusals, the Alertmanager
 * webhook, /metrics, the dashboard): `{ error, code, ...details }`, `error` saying what went wrong and how
 * to correct it. Handlers throw HttpError; `errorHandler` renders it, and renders anything else as an
 * honest 500 (a bug, logged), never as a retryable 503.
 */
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../base/log.js';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface ErrorAnswer {
  status: number;
  body: { error: string; code: string } & Record<string, unknown>;
  headers?: Record<string, string>;
}

export function jsonAnswer(c: Context, answer: ErrorAnswer): Response {
  return c.json(answer.body, answer.status as ContentfulStatusCode, { 'Cache-Control': 'no-store', ...answer.headers });
}

export function jsonError(
  c: Context,
  status: number,
  code: string,
  message: string,
  opts: { headers?: Record<string, string>; details?: Record<string, unknown> } = {},
): Response {
  return jsonAnswer(c, { status, body: { error: message, code, ...opts.details }, headers: opts.headers });
}

export function httpErrorAnswer(err: HttpError): ErrorAnswer {
  return { status: err.status, body: { error: err.message, code: err.code, ...err.details }, headers: err.headers };
}

/**
 * onError for an app: HttpError as itself, hono's own exceptions with their status, anything else a
 * logged 500 that says it is a bug. `known` maps further error classes (REST: zod, ServiceError).
 */
export function errorHandler(logger: Logger | undefined, known?: (err: unknown) => ErrorAnswer | undefined): ErrorHandler {
  return (err, c) => {
    const mapped = known?.(err);
    if (mapped) return jsonAnswer(c, mapped);
    if (err instanceof HttpError) return jsonAnswer(c, httpErrorAnswer(err));
    if (err instanceof HTTPException) return jsonError(c, err.status, 'http_error', err.message || `HTTP ${err.status}`);
    logger?.error({ err, method: c.req.method, path: c.req.path }, 'http request failed unexpectedly');
    return jsonError(
      c,
      500,
      'internal',
      `${c.req.method} ${c.req.path} failed unexpectedly: ${err.message || String(err)}. This is a bug; the server log has details.`,
    );
  };
}

/** notFound for an app: the method and path that matched nothing. */
export function notFoundJson(c: Context): Response {
  return jsonError(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`);
}

export function methodNotAllowed(method: string, allowed: readonly string[]): HttpError {
  const allow = [...new Set(allowed)].join(', ');
  return new HttpError(405, 'method_not_allowed', `method ${method} not allowed here; use ${allow}`, { Allow: allow });
}

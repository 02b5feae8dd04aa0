/**
 * The one place where a tool failure becomes an HTTP status. Tools throw ServiceError for expected
 * failures and zod reports bad input; anything else is a bug and becomes 500 without internals.
 */
import { ZodError } from 'zod';
import { isServiceError, type ServiceErrorCode } from '../base/errors.js';

export interface HttpFailure {
  status: number;
  body: { error: string; code: string; issues?: { path: string; message: string }[]; details?: Record<string, unknown> };
  headers?: Record<string, string>;
}

const STATUS: Record<ServiceErrorCode, number> = {
  invalid: 400,
  not_found: 404,
  refused: 403,
  cooldown: 429,
  conflict: 409,
  unavailable: 503,
  cancelled: 409,
};

/** Thrown by the router itself (unknown route, disabled tool); carries its own status. */
export class RestError extends Error {
  override readonly name = 'RestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function zodIssues(err: ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
}

export function toHttpFailure(err: unknown): HttpFailure | undefined {
  if (err instanceof ZodError) {
    const issues = zodIssues(err);
    return { status: 400, body: { error: `invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, code: 'invalid', issues } };
  }
  if (err instanceof RestError) return { status: err.status, body: { error: err.message, code: err.code }, headers: err.headers };
  if (isServiceError(err)) {
    const retry = err.details?.retryAfterSeconds;
    return {
      status: STATUS[err.code],
      body: { error: err.message, code: err.code, ...(err.details ? { details: err.details } : {}) },
      headers: typeof retry === 'number' ? { 'Retry-After': String(retry) } : undefined,
    };
  }
  return undefined;
}

/**
 * The one place where a tool failure becomes an HTTP status. Tools throw ServiceError for expected
 * failures and zod reports bad input; the router throws HttpError (RestError). Anything else is a bug:
 * toHttpFailure leaves it to the app's error handler, which answers 500 saying so.
 */
import { ZodError } from 'zod';
import { isServiceError, type ServiceErrorCode } from '../base/errors.js';
import { type ErrorAnswer, HttpError, httpErrorAnswer } from '../http/errors.js';

export type HttpFailure = ErrorAnswer;

const STATUS: Record<ServiceErrorCode, number> = {
  invalid: 400,
  not_found: 404,
  refused: 403,
  cooldown: 429,
  conflict: 409,
  unavailable: 503,
  cancelled: 409,
};

/** The router's own errors (unknown route, disabled tool, unknown parameter): the shared HttpError. */
export { HttpError as RestError };

export function zodIssues(err: ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
}

export function toHttpFailure(err: unknown): HttpFailure | undefined {
  if (err instanceof ZodError) {
    const issues = zodIssues(err);
    return { status: 400, body: { error: `invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, code: 'invalid', issues } };
  }
  if (err instanceof HttpError) return httpErrorAnswer(err);
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

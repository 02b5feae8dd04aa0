/**
 * Expected failures: bad input, missing objects, guardrail refusals, an unreachable cluster. The MCP
 * adapter turns them into `isError` results (the message tells the model how to recover); REST maps
 * `code` to an HTTP status in one place. Anything else thrown is a bug.
 */
export type ServiceErrorCode =
  | 'invalid' // the request is malformed or impossible
  | 'not_found'
  | 'refused' // a guardrail said no (protected namespace, limits, read-only, chaos off)
  | 'cooldown' // the same target was changed too recently
  | 'conflict' // the object changed under us or is in a state that forbids this
  | 'unavailable' // the cluster or a metrics source cannot be reached
  | 'cancelled'; // the user declined a confirmation

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof ServiceError;
}

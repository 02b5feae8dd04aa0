/**
 * Kubernetes-shaped API errors. Everything the simulator refuses is one of these, so the HTTP layer can
 * answer with a `Status` object that client-node and kubectl understand.
 */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'Gone'
  | 'Expired'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Forbidden'
  | 'Unauthorized'
  | 'InternalError';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }

  static notFound(resource: string, name: string, group = ''): ApiError {
    const qualified = group ? `${resource}.${group}` : resource;
    return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: resource });
  }

  static alreadyExists(resource: string, name: string, group = ''): ApiError {
    const qualified = group ? `${resource}.${group}` : resource;
    return new ApiError(409, 'AlreadyExists', `${qualified} "${name}" already exists`, { name, group, kind: resource });
  }

  static conflict(resource: string, name: string, why: string, group = ''): ApiError {
    const qualified = group ? `${resource}.${group}` : resource;
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": ${why}`, { name, group, kind: resource });
  }

  static invalid(kind: string, name: string, causes: StatusCause[], group = ''): ApiError {
    const summary = causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`.trim()).join(', ');
    return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, { name, group, kind, causes });
  }

  static badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  }

  static gone(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  }
}

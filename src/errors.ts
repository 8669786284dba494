/**
 * The service's failures, as data: a stable `code`, a human `message` (the envelope's message) and
 * the list of specific `errors`. Edges translate them once (see transport/error-table.ts); code is
 * checked by `code`, never `instanceof`, because errors also come back from isolates and workers.
 */
export const errorCodes = [
  'invalid_argument',
  'failed_precondition',
  'not_found',
  'already_exists',
  'unauthenticated',
  'permission_denied',
  'resource_exhausted',
  'execution_failed',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: readonly string[] = [],
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
  /** A remote party asked to be called again no sooner than this (Retry-After of a 429 or 503). */
  readonly retryAfterMs?: number;
}

export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message, errors } = value as Partial<AppError>;
  return (
    typeof code === 'string' &&
    (errorCodes as readonly string[]).includes(code) &&
    typeof message === 'string' &&
    Array.isArray(errors)
  );
}

/** The one normaliser: anything thrown becomes an AppError; unknown failures keep their cause for the log only. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError('internal', 'Internal error', [], { cause: error });
}

/**
 * What an unexpected failure really was (`RangeError: Maximum call stack size exceeded`), for
 * records operators read: a failed attempt keeps its cause, not only "Internal error".
 */
export function describeCause(error: AppError): string {
  const { cause } = error;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`.slice(0, 500);
  return cause === undefined ? error.message : String(cause).slice(0, 500);
}

export const invalidArgument = (message: string, errors: readonly string[] = []) =>
  new AppError('invalid_argument', message, errors);
export const notFound = (message: string, errors: readonly string[] = []) => new AppError('not_found', message, errors);
export const alreadyExists = (message: string, errors: readonly string[] = []) => new AppError('already_exists', message, errors);
export const failedPrecondition = (message: string, errors: readonly string[] = []) =>
  new AppError('failed_precondition', message, errors);

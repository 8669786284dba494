import { Code, ConnectError } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { ErrorDetailsSchema } from '../../gen/bpm/webhooks/v1/errors_pb.js';
import { toAppError, type AppError, type ErrorCode } from '../errors.js';

/** The one translation of failures: each code's gRPC status and HTTP status (Connect's mapping). */
export const errorTable = {
  invalid_argument: { grpc: Code.InvalidArgument, http: 400 },
  failed_precondition: { grpc: Code.FailedPrecondition, http: 400 },
  not_found: { grpc: Code.NotFound, http: 404 },
  already_exists: { grpc: Code.AlreadyExists, http: 409 },
  unauthenticated: { grpc: Code.Unauthenticated, http: 401 },
  permission_denied: { grpc: Code.PermissionDenied, http: 403 },
  resource_exhausted: { grpc: Code.ResourceExhausted, http: 429 },
  execution_failed: { grpc: Code.Internal, http: 500 },
  unavailable: { grpc: Code.Unavailable, http: 503 },
  internal: { grpc: Code.Internal, http: 500 },
} as const satisfies Record<ErrorCode, { grpc: Code; http: number }>;

/** The HTTP status and JSON envelope of a failure. */
export function toErrorEnvelope(error: unknown): { status: number; failure: AppError } {
  const failure = toAppError(error);
  return { status: errorTable[failure.code].http, failure };
}

/** The gRPC form of a failure: status code, message, and the `errors` list as an ErrorDetails detail. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  const failure = toAppError(error);
  return new ConnectError(failure.message, errorTable[failure.code].grpc, undefined, [
    { desc: ErrorDetailsSchema, value: create(ErrorDetailsSchema, { errors: [...failure.errors] }) },
  ]);
}

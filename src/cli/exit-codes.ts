import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorDetailsSchema } from '../../gen/bpm/webhooks/v1/errors_pb.js';

/** What the CLI's exit status means; scripts may rely on these numbers (README, "CLI"). */
export const exitCodes = {
  ok: 0,
  /** The server refused the command: validation, not found, conflict, precondition. */
  refused: 1,
  /** Bad arguments, or an input file that cannot be read or parsed. */
  usage: 2,
  /** No or a bad token, or a token without the permission. */
  unauthorized: 3,
  /** The server cannot be reached, is unavailable, or failed. */
  unavailable: 4,
} as const satisfies Record<string, number>;

/** A mistake in the command line or its input file. */
export class UsageError extends Error {
  readonly code = 'usage';
}

/** The exit status for a failure, by its gRPC code when it came from the server. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return exitCodes.usage;
  if (!(error instanceof ConnectError)) return exitCodes.unavailable;
  switch (error.code) {
    case Code.InvalidArgument:
    case Code.NotFound:
    case Code.AlreadyExists:
    case Code.FailedPrecondition:
    case Code.OutOfRange:
    case Code.Aborted:
    case Code.ResourceExhausted:
      return exitCodes.refused;
    case Code.Unauthenticated:
    case Code.PermissionDenied:
      return exitCodes.unauthorized;
    default:
      return exitCodes.unavailable;
  }
}

/** One line for a person: the server's message and its `errors` list, or the local failure. */
export function describeError(error: unknown): string {
  if (!(error instanceof ConnectError)) return error instanceof Error ? error.message : String(error);
  const errors = error.findDetails(ErrorDetailsSchema).flatMap((details) => details.errors);
  return `${error.rawMessage}${errors.length > 0 ? `: ${errors.join('; ')}` : ''} (${Code[error.code]})`;
}

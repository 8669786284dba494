import { ConnectError } from '@connectrpc/connect';
import { ErrorDetailsSchema } from '../../../gen/bpm/webhooks/v1/errors_pb.js';

/** A failure as the API words it: the envelope's message and its `errors`, one sentence each. */
export interface ErrorWords {
  readonly message: string;
  readonly errors: readonly string[];
  /** The session's token was refused: signing in again is the way out. */
  readonly unauthenticated: boolean;
}

export function errorWords(error: unknown): ErrorWords {
  const connectError = ConnectError.from(error);
  const errors = connectError.findDetails(ErrorDetailsSchema).flatMap((details) => details.errors);
  const message =
    connectError.rawMessage === 'Failed to fetch' ? 'The service did not answer (is it running?)' : connectError.rawMessage;
  return { message, errors, unauthenticated: connectError.code === 16 };
}

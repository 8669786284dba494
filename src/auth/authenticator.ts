import type { Actor } from '../commands/command.js';
import { AppError } from '../errors.js';

/**
 * Turns a request's Authorization header into the acting operator, or throws an `unauthenticated`
 * AppError; `requestId` names the request in the refusal's log line.
 */
export type Authenticator = (authorization: string | undefined, request?: { readonly requestId?: string }) => Promise<Actor>;

/** The one answer to every authentication failure: the reason is logged, never sent. */
export function unauthenticated(): AppError {
  return new AppError('unauthenticated', 'Unauthorized', ['A valid bearer token is required']);
}

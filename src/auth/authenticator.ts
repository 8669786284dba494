import { permissions, type Actor } from '../commands/command.js';

/** Turns a request's Authorization header into the acting operator, or throws an `unauthenticated` AppError. */
export type Authenticator = (authorization: string | undefined) => Promise<Actor>;

/** Every caller is an operator with every permission: only for tests and development without tokens. */
export const allowEveryone: Authenticator = async () => ({
  kind: 'operator',
  subject: 'anonymous',
  permissions: new Set(permissions),
});

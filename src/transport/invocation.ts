import { randomUUID } from 'node:crypto';
import type { Authenticator } from '../auth/authenticator.js';
import type { Invocation } from '../commands/command-bus.js';

/** A caller's own request id is kept when it is a sane token, so logs can be joined across services. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
}

/** Authenticates a management request and names it. */
export async function invocationFrom(
  authenticate: Authenticator,
  headers: { authorization: string | undefined; requestId: string | undefined },
): Promise<Invocation> {
  const requestId = requestIdFrom(headers.requestId);
  return { actor: await authenticate(headers.authorization, { requestId }), requestId };
}

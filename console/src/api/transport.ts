import type { Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { readToken } from '../auth/token-store.js';

/** Every call carries the signed-in token, read when the call is made (signing in again needs no reload). */
const bearerToken: Interceptor = (next) => async (request) => {
  const token = readToken();
  if (token) request.header.set('authorization', `Bearer ${token}`);
  return next(request);
};

/** The service's own Connect API, on the origin that served the console: the same RPCs and permissions as any client. */
export const transport = createConnectTransport({
  baseUrl: window.location.origin,
  interceptors: [bearerToken],
});

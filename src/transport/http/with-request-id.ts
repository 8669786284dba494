import { requestIdFrom } from '../invocation.js';
import type { HttpRequest, HttpResponse } from './http-types.js';

/**
 * Gives every request an id before anything else sees it: the caller's `x-request-id` when it is a
 * sane token (see requestIdFrom), else a new UUID. The id replaces the header, so every later step
 * (RPCs, routes, the stored event) reads the same one, and is returned on every answer.
 */
export function withRequestId(handler: (request: HttpRequest, response: HttpResponse) => void) {
  return (request: HttpRequest, response: HttpResponse): void => {
    const given = request.headers['x-request-id'];
    const id = requestIdFrom(Array.isArray(given) ? undefined : given);
    request.headers['x-request-id'] = id;
    response.setHeader('x-request-id', id);
    handler(request, response);
  };
}

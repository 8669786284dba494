import { flatHeaders } from '../http/flat-headers.js';
import type { HttpRequest } from '../http/http-types.js';
import { readBody } from '../http/read-body.js';

/**
 * What every webhook edge hands its producer from the request: the query, the headers, the peer,
 * the request id (set at the edge, see with-request-id.ts), and the body, read only when asked for.
 */
export function incomingRequest(request: HttpRequest, url: URL, maxBodyBytes: number) {
  return {
    query: Object.fromEntries(url.searchParams),
    headers: flatHeaders(request),
    peerAddress: request.socket.remoteAddress ?? '',
    requestId: String(request.headers['x-request-id'] ?? ''),
    readBody: () => readBody(request, maxBodyBytes),
  };
}

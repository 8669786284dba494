import { constantTimeEqual } from '../domain/constant-time-equal.js';
import type { HttpRoute } from '../transport/http/http-types.js';
import { sendFailure } from '../transport/http/send-json.js';
import type { Metrics } from './metrics.js';

/** `GET /metrics` in Prometheus text; with a token set, only for `Authorization: Bearer <token>`. */
export function createMetricsRoute(metrics: Metrics, token: string | undefined): HttpRoute {
  return {
    path: '/metrics',
    async handle(request, response) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return sendFailure(response, 405, { message: 'Method not allowed', errors: ['Use GET'] }, { allow: 'GET, HEAD' });
      }
      if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
        return sendFailure(response, 401, { message: 'Unauthorized', errors: [] }, { 'www-authenticate': 'Bearer' });
      }
      const text = await metrics.registry.metrics();
      response.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(text) });
      if (request.method === 'HEAD') response.end();
      else response.end(text);
    },
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  return constantTimeEqual(header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '', token);
}

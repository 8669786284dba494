import type { JWK } from 'jose';
import type { HttpRoute } from './http-types.js';
import { sendFailure, sendJson } from './send-json.js';

/** `GET /.well-known/jwks.json`: the public half of the service's own signing key (empty when it has none). */
export function createJwksRoute(publicKeys: readonly JWK[]): HttpRoute {
  const body = { keys: publicKeys.map(({ kty, crv, x, n, e, y, kid, alg, use }) => ({ kty, crv, x, y, n, e, kid, alg, use })) };
  return {
    path: '/.well-known/jwks.json',
    async handle(request, response) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        sendFailure(response, 405, { message: 'Method not allowed', errors: ['Use GET'] }, { allow: 'GET, HEAD' });
        return;
      }
      sendJson(response, 200, body, { 'cache-control': 'public, max-age=300' });
    },
  };
}

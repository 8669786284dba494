import type { HttpRoute } from './http-types.js';
import { sendJson } from './send-json.js';

/** Liveness (the process answers) and readiness (the store is reachable and migrated). */
export function createHealthRoutes(isReady: () => Promise<boolean>): HttpRoute[] {
  return [
    { path: '/healthz', handle: async (_request, response) => sendJson(response, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      handle: async (_request, response) => {
        const ready = await isReady();
        sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
      },
    },
  ];
}

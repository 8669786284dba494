import type { HttpRoute } from './http-types.js';
import { sendJson } from './send-json.js';

/**
 * Liveness (the process answers) and readiness (the store is reachable and migrated). A ready
 * answer also carries `detail` (e.g. stored configurations that cannot run), which does not make
 * the process unready: it serves every other configuration.
 */
export function createHealthRoutes(
  isReady: () => Promise<boolean>,
  readinessDetail: () => Promise<Record<string, unknown>> = async () => ({}),
): HttpRoute[] {
  return [
    { path: '/healthz', handle: async (_request, response) => sendJson(response, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      handle: async (_request, response) => {
        const ready = await isReady();
        if (!ready) return sendJson(response, 503, { status: 'unavailable' });
        sendJson(response, 200, { status: 'ready', ...(await readinessDetail().catch(() => ({}))) });
      },
    },
  ];
}

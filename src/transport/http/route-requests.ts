import type { Logger } from 'pino';
import type { Metrics } from '../../metrics/metrics.js';
import type { HttpRequest, HttpResponse, HttpRoute } from './http-types.js';
import { sendFailure } from './send-json.js';

/** Dispatches plain HTTP requests to the first route whose path matches; 404 in the envelope otherwise. */
export function routeRequests(routes: readonly HttpRoute[], log: Logger, metrics?: Metrics) {
  return (request: HttpRequest, response: HttpResponse): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = routes.find((candidate) => matches(candidate.path, url.pathname));
    if (metrics) observe(metrics, route?.path ?? 'unmatched', request, response);
    if (!route) {
      sendFailure(response, 404, { message: 'Not found', errors: [`No endpoint at ${url.pathname}`] });
      return;
    }
    route.handle(request, response, url).catch((error: unknown) => {
      log.error({ err: error, path: url.pathname, requestId: request.headers['x-request-id'] }, 'unhandled error in HTTP route');
      if (!response.headersSent) sendFailure(response, 500, { message: 'Internal error', errors: [] });
      else response.destroy();
    });
  };
}

/** Counts and times the request once its answer is done (or cut off); labelled by the route's pattern, never the raw path. */
function observe(metrics: Metrics, route: string, request: HttpRequest, response: HttpResponse): void {
  const method = knownMethods.has(request.method ?? '') ? request.method! : 'OTHER';
  const stop = metrics.httpDuration.startTimer({ route, method });
  response.once('close', () => {
    stop();
    metrics.httpRequests.inc({ route, method, status: response.headersSent ? String(response.statusCode) : 'aborted' });
  });
}

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function matches(pattern: string, pathname: string): boolean {
  return pattern.endsWith('/*') ? pathname.startsWith(pattern.slice(0, -1)) : pathname === pattern;
}

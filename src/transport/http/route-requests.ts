import type { Logger } from 'pino';
import type { HttpRequest, HttpResponse, HttpRoute } from './http-types.js';
import { sendFailure } from './send-json.js';

/** Dispatches plain HTTP requests to the first route whose path matches; 404 in the envelope otherwise. */
export function routeRequests(routes: readonly HttpRoute[], log: Logger) {
  return (request: HttpRequest, response: HttpResponse): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = routes.find((candidate) => matches(candidate.path, url.pathname));
    if (!route) {
      sendFailure(response, 404, { message: 'Not found', errors: [`No endpoint at ${url.pathname}`] });
      return;
    }
    route.handle(request, response, url).catch((error: unknown) => {
      log.error({ err: error, path: url.pathname }, 'unhandled error in HTTP route');
      if (!response.headersSent) sendFailure(response, 500, { message: 'Internal error', errors: [] });
      else response.destroy();
    });
  };
}

function matches(pattern: string, pathname: string): boolean {
  return pattern.endsWith('/*') ? pathname.startsWith(pattern.slice(0, -1)) : pathname === pattern;
}

import { SpanKind } from '@opentelemetry/api';
import type { HttpRoute } from './http-types.js';
import { contextFromHeaders } from '../../tracing/trace-context.js';
import { inSpan, markFailed, type Tracing } from '../../tracing/tracing.js';

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Wraps a webhook endpoint (or the legacy JSON command endpoint) in an HTTP `server` span, child of
 * the caller's `traceparent` when it sends one. Only the method, the route template and the status are recorded: not the path (a
 * webhook path may be a secret), the query, the headers or the body.
 */
export function traceHttpRoute(route: HttpRoute, tracing: Tracing | undefined): HttpRoute {
  if (!tracing) return route;
  const template = route.path.replace(/\/\*$/, '/{path}');
  return {
    path: route.path,
    handle(request, response, url) {
      const method = knownMethods.has(request.method ?? '') ? (request.method as string) : '_OTHER';
      const attributes = { 'http.request.method': method, 'http.route': template, 'url.scheme': 'http' };
      const parent = contextFromHeaders(tracing, request.headers);
      return inSpan(
        tracing,
        `${method} ${template}`,
        { kind: SpanKind.SERVER, attributes },
        async (span) => {
          await route.handle(request, response, url);
          span.setAttribute('http.response.status_code', response.statusCode);
          if (response.statusCode >= 500) markFailed(span, String(response.statusCode));
        },
        parent,
      );
    },
  };
}

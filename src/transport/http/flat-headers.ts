import type { HttpRequest } from './http-types.js';

/** The request's headers with lower-case names, repeated ones joined with ", ", HTTP/2 pseudo-headers left out. */
export function flatHeaders(request: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

import type { HttpRequest } from './http-types.js';

/** The media type without parameters, lower-case; '' when absent. */
export function mediaType(request: HttpRequest): string {
  const header = request.headers['content-type'];
  return (typeof header === 'string' ? header.split(';')[0]! : '').trim().toLowerCase();
}

export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

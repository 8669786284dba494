import type { JsonValue } from '@bufbuild/protobuf';
import type { AppError } from '../../errors.js';
import type { HttpRequest, HttpResponse } from './http-types.js';

/** Writes a JSON body with the given status and extra headers. */
export function sendJson(response: HttpResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** `{"success": true, "data": ..., "message": ...}` */
export function sendSuccess(response: HttpResponse, status: number, data: JsonValue | undefined, message: string): void {
  sendJson(response, status, { success: true, data: data ?? null, message });
}

/** `{"success": false, "data": null, "message": ..., "errors": [...]}` */
export function sendFailure(
  response: HttpResponse,
  status: number,
  failure: Pick<AppError, 'message' | 'errors'>,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { success: false, data: null, message: failure.message, errors: failure.errors }, headers);
}

/**
 * After refusing a body we did not read (413), an HTTP/1.1 connection cannot be reused: ask to close
 * it. HTTP/2 streams are independent and forbid the header.
 */
export function closeAfterResponse(request: HttpRequest): Record<string, string> {
  return request.httpVersionMajor === 1 ? { connection: 'close' } : {};
}

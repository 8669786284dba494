import type { JsonValue } from '@bufbuild/protobuf';
import type { AppError } from '../../errors.js';
import type { HttpResponse } from './http-types.js';

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

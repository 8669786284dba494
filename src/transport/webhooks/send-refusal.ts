import type { InboxRefusal } from '../../delivery/inbox-result.js';
import type { HttpResponse } from '../http/http-types.js';
import { sendFailure } from '../http/send-json.js';

/**
 * Answers a refusal with its status and a generic message (the detail is in the log and the trace):
 * the router and the fixed endpoints answer every refusal alike, but for the wording of a 405.
 */
export function sendRefusal(
  response: HttpResponse,
  refusal: InboxRefusal,
  settings: { readonly maxBodyBytes: number; readonly accepts: 'This webhook' | 'This endpoint' },
): void {
  switch (refusal.kind) {
    case 'not_found':
      return sendFailure(response, 404, {
        message: 'Webhook not found',
        errors: ['No enabled webhook configuration matches this path'],
      });
    case 'method_not_allowed':
      return sendFailure(
        response,
        405,
        { message: 'Method not allowed', errors: [`${settings.accepts} accepts ${refusal.allow.join(', ')}`] },
        { allow: refusal.allow.join(', ') },
      );
    case 'not_configured':
      return sendFailure(response, 503, {
        message: 'Service unavailable',
        errors: [`This endpoint is not configured: ${refusal.reason}`],
      });
    case 'unsupported_media_type':
      return sendFailure(response, 415, {
        message: 'Unsupported media type',
        errors: [`Send JSON, form-urlencoded, text or XML, not "${refusal.mediaType.slice(0, 100)}"`],
      });
    case 'forbidden':
      return sendFailure(response, 403, { message: 'Forbidden', errors: ['The caller is not allowed'] });
    case 'unauthorized':
      return sendFailure(response, 401, { message: 'Unauthorized', errors: ['The request could not be verified'] });
    case 'invalid_body':
      return sendFailure(response, 400, { message: 'Invalid body', errors: [refusal.error] });
    case 'too_large':
      return sendFailure(response, 413, {
        message: 'Payload too large',
        errors: [`The body exceeds ${settings.maxBodyBytes} bytes`],
      });
    case 'aborted':
      return void response.destroy();
    case 'unavailable':
      return sendFailure(
        response,
        503,
        { message: 'Service unavailable', errors: ['The webhook was not stored; retry later'] },
        { 'retry-after': '5' },
      );
    default:
      return refusal satisfies never;
  }
}

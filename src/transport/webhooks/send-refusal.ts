import type { HttpResponse } from '../http/http-types.js';
import { sendFailure } from '../http/send-json.js';

/** A webhook refused before it was stored; the router and the fixed endpoints answer these alike. */
export type WebhookRefusal =
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'invalid_body'; readonly error: string }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'unavailable' };

/** Answers a refusal with its status and a generic message; the detail is in the log. */
export function sendRefusal(response: HttpResponse, refusal: WebhookRefusal, maxBodyBytes: number): void {
  switch (refusal.kind) {
    case 'forbidden':
      return sendFailure(response, 403, { message: 'Forbidden', errors: ['The caller is not allowed'] });
    case 'unauthorized':
      return sendFailure(response, 401, { message: 'Unauthorized', errors: ['The request could not be verified'] });
    case 'invalid_body':
      return sendFailure(response, 400, { message: 'Invalid body', errors: [refusal.error] });
    case 'too_large':
      return sendFailure(response, 413, { message: 'Payload too large', errors: [`The body exceeds ${maxBodyBytes} bytes`] });
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

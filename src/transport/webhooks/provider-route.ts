import type { Provider } from '../../providers/provider.js';
import type { NotificationResult, ProviderInbox } from '../../providers/provider-inbox.js';
import type { HttpResponse, HttpRoute } from '../http/http-types.js';
import { sendFailure, sendJson } from '../http/send-json.js';
import { incomingRequest } from './incoming-request.js';
import { sendRefusal } from './send-refusal.js';

export interface ProviderRouteDeps {
  readonly inbox: ProviderInbox;
  readonly maxBodyBytes: number;
}

/** `POST <provider.path>`: hands the notification to the provider inbox and turns its outcome into a status. */
export function createProviderRoute(provider: Provider, deps: ProviderRouteDeps): HttpRoute {
  return {
    path: provider.path,
    async handle(request, response, url) {
      if (request.method !== 'POST') {
        return sendFailure(
          response,
          405,
          { message: 'Method not allowed', errors: ['This endpoint accepts POST'] },
          { allow: 'POST' },
        );
      }
      const result = await deps.inbox.receive(provider, incomingRequest(request, url, deps.maxBodyBytes));
      respond(response, result, deps.maxBodyBytes);
    },
  };
}

function respond(response: HttpResponse, result: NotificationResult, maxBodyBytes: number): void {
  switch (result.kind) {
    case 'received':
      return sendJson(
        response,
        200,
        { success: true, data: { eventIds: result.eventIds }, message: 'Webhook received' },
        result.repeated ? { 'idempotent-replayed': 'true' } : {},
      );
    case 'not_configured':
      return sendFailure(response, 503, {
        message: 'Service unavailable',
        errors: [`This endpoint is not configured: ${result.reason}`],
      });
    case 'forbidden':
    case 'unauthorized':
    case 'invalid_body':
    case 'too_large':
    case 'aborted':
    case 'unavailable':
      return sendRefusal(response, result, maxBodyBytes);
    default:
      return result satisfies never;
  }
}

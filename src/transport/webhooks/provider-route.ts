import type { Inbox } from '../../delivery/inbox.js';
import type { InboxResult } from '../../delivery/inbox-result.js';
import type { WebhookSource } from '../../delivery/webhook-source.js';
import type { ProviderPreset } from '../../providers/provider-preset.js';
import { providerSource } from '../../providers/provider-source.js';
import { mediaType } from '../http/content-type.js';
import type { HttpResponse, HttpRoute } from '../http/http-types.js';
import { sendJson } from '../http/send-json.js';
import { incomingRequest } from './incoming-request.js';
import { sendRefusal } from './send-refusal.js';

export interface ProviderRouteDeps {
  readonly inbox: Inbox;
  readonly maxBodyBytes: number;
}

/** `POST <preset.path>`: hands the notification to the one inbox as the preset's source and turns its outcome into a status. */
export function createProviderRoute(preset: ProviderPreset, deps: ProviderRouteDeps): HttpRoute {
  const source: WebhookSource = providerSource(preset);
  return {
    path: preset.path,
    async handle(request, response, url) {
      if (request.method !== 'POST') return respond(response, { kind: 'method_not_allowed', allow: ['POST'] }, deps);
      const result = await deps.inbox.receive(source, {
        method: 'POST',
        path: preset.path,
        mediaType: mediaType(request),
        ...incomingRequest(request, url, deps.maxBodyBytes),
      });
      respond(response, result, deps);
    },
  };
}

/** A fixed endpoint answers 200 once every notification of the request is committed, a repeat as well. */
function respond(response: HttpResponse, result: InboxResult, deps: ProviderRouteDeps): void {
  switch (result.kind) {
    case 'received': {
      const repeated = result.outcomes.some((outcome) => 'repeated' in outcome && outcome.repeated);
      return sendJson(
        response,
        200,
        { success: true, data: { eventIds: result.outcomes.map((outcome) => outcome.eventId) }, message: 'Webhook received' },
        repeated ? { 'idempotent-replayed': 'true' } : {},
      );
    }
    case 'not_found':
    case 'method_not_allowed':
    case 'not_configured':
    case 'unsupported_media_type':
    case 'forbidden':
    case 'unauthorized':
    case 'invalid_body':
    case 'too_large':
    case 'aborted':
    case 'unavailable':
      return sendRefusal(response, result, { maxBodyBytes: deps.maxBodyBytes, accepts: 'This endpoint' });
    default:
      return result satisfies never;
  }
}

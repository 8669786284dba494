import type { Logger } from 'pino';
import type { AcceptResult } from '../../delivery/accept-result.js';
import type { Inbox } from '../../delivery/inbox.js';
import type { InboxResult } from '../../delivery/inbox-result.js';
import { routerSource } from '../../delivery/router-source.js';
import { mediaType } from '../http/content-type.js';
import type { HttpRequest, HttpResponse, HttpRoute } from '../http/http-types.js';
import { sendFailure, sendJson } from '../http/send-json.js';
import { inStoredKeyOrder } from './in-stored-key-order.js';
import { incomingRequest } from './incoming-request.js';
import { sendRefusal } from './send-refusal.js';

export interface WebhookIngressDeps {
  readonly inbox: Inbox;
  readonly maxBodyBytes: number;
  readonly log: Logger;
}

const prefix = '/api/webhook/';

/** `ANY /api/webhook/{path}`: reads the request into the inbox and turns its outcome into a status. */
export function createWebhookIngressRoute(deps: WebhookIngressDeps): HttpRoute {
  return {
    path: '/api/webhook/*',
    async handle(request, response, url) {
      const result = await deps.inbox.receive(routerSource, {
        method: request.method ?? 'GET',
        path: safeDecode(url.pathname.slice(prefix.length)),
        mediaType: mediaType(request),
        ...incomingRequest(request, url, deps.maxBodyBytes),
      });
      respond(request, response, result, deps.maxBodyBytes);
    },
  };
}

function respond(request: HttpRequest, response: HttpResponse, result: InboxResult, maxBodyBytes: number): void {
  switch (result.kind) {
    // A router request carries one event.
    case 'received':
      return answerEvent(request, response, result.outcomes[0]);
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
      return sendRefusal(response, result, { maxBodyBytes, accepts: 'This webhook' });
    default:
      return result satisfies never;
  }
}

/** A stored event's outcome as its caller sees it: 202 queued, 200 or 500 after running now, 409 or 503 while it is unsettled. */
function answerEvent(request: HttpRequest, response: HttpResponse, result: AcceptResult): void {
  switch (result.kind) {
    case 'accepted':
      return sendJson(
        response,
        202,
        { success: true, data: { eventId: result.eventId }, message: 'Webhook accepted' },
        eventHeaders(result),
      );
    case 'in_progress':
      return sendFailure(
        response,
        409,
        { message: 'Webhook is being processed', errors: ['An earlier request with this idempotency key has not finished'] },
        { 'retry-after': '1', 'x-webhook-event-id': String(result.eventId) },
      );
    case 'unsettled':
      return sendFailure(
        response,
        503,
        {
          message: 'Webhook outcome not recorded yet',
          errors: [
            'The webhook was stored and run, but its outcome could not be recorded yet; retry with the same idempotency key to get it',
          ],
        },
        { 'retry-after': '5', 'x-webhook-event-id': String(result.eventId) },
      );
    case 'succeeded': {
      if (result.httpResponse) return sendDirect(response, result.httpResponse, eventHeaders(result));
      return sendJson(
        response,
        200,
        { success: true, data: inStoredKeyOrder(result.data), message: 'Webhook processed successfully' },
        eventHeaders(result),
      );
    }
    case 'failed':
      return sendExecutionFailure(request, response, result);
    default:
      return result satisfies never;
  }
}

/**
 * A failed execution as the provider sees it: what it can act on (the event and request ids to
 * quote), never why it failed. The reasons name the service's own setup (hosts, commands, code)
 * and stay in the stored event and the log.
 */
function sendExecutionFailure(
  request: HttpRequest,
  response: HttpResponse,
  result: { eventId: number; repeated: boolean },
): void {
  const requestId = String(request.headers['x-request-id'] ?? '');
  const reason = `Event ${result.eventId} could not be run; quote its event id or request id ${requestId} to the receiver`;
  return sendJson(
    response,
    500,
    { success: false, data: { eventId: result.eventId, requestId }, message: 'Webhook execution failed', errors: [reason] },
    eventHeaders(result),
  );
}

function eventHeaders(result: { eventId: number; repeated: boolean }): Record<string, string> {
  return { 'x-webhook-event-id': String(result.eventId), ...(result.repeated && { 'idempotent-replayed': 'true' }) };
}

/** A result's own answer (a handshake, a challenge): strings go out as text, anything else as JSON. */
function sendDirect(
  response: HttpResponse,
  direct: { status: number; headers: Readonly<Record<string, string>>; body: unknown },
  extra: Record<string, string>,
): void {
  const isText = typeof direct.body === 'string';
  const text = isText ? (direct.body as string) : JSON.stringify(inStoredKeyOrder(direct.body));
  const headers = Object.fromEntries(Object.entries(direct.headers).map(([name, value]) => [name.toLowerCase(), value]));
  response.writeHead(direct.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...headers,
    ...extra,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

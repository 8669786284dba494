import type { Inbox, InboxResult } from '../delivery/inbox.js';
import type { AttemptResult } from '../delivery/run-attempt.js';
import type { NotificationResult, ProviderInbox } from '../providers/provider-inbox.js';
import type { Metrics } from './metrics.js';

/** Counts every inbox outcome: accepted (and a sync execution's attempt) or refused with its reason. */
export function instrumentInbox(inbox: Inbox, metrics: Metrics, source: string): Inbox {
  return {
    async receive(webhook) {
      const result = await inbox.receive(webhook);
      countInboxResult(metrics, source, result);
      return result;
    },
  };
}

function countInboxResult(metrics: Metrics, source: string, result: InboxResult): void {
  switch (result.kind) {
    case 'accepted':
      if (result.repeated) return void metrics.webhooksRefused.inc({ source, reason: 'repeated' });
      return void metrics.webhooksAccepted.inc({ source, mode: 'async' });
    case 'succeeded':
    case 'failed':
      if (result.repeated) return void metrics.webhooksRefused.inc({ source, reason: 'repeated' });
      metrics.webhooksAccepted.inc({ source, mode: 'sync' });
      return void metrics.attempts.inc({ source, mode: 'sync', outcome: result.kind });
    case 'not_found':
    case 'method_not_allowed':
    case 'forbidden':
    case 'unsupported_media_type':
    case 'too_large':
    case 'aborted':
    case 'unauthorized':
    case 'invalid_body':
    case 'unavailable':
    case 'in_progress':
      return void metrics.webhooksRefused.inc({ source, reason: result.kind });
    case 'unsettled':
      metrics.webhooksAccepted.inc({ source, mode: 'sync' });
      return void metrics.attempts.inc({ source, mode: 'sync', outcome: 'unsettled' });
    default:
      return result satisfies never;
  }
}

/** Counts the fixed endpoints' outcomes under each provider's source: accepted (one per event) or refused. */
export function instrumentProviderInbox(inbox: ProviderInbox, metrics: Metrics): ProviderInbox {
  return {
    async receive(provider, notification) {
      const result = await inbox.receive(provider, notification);
      countNotificationResult(metrics, provider.source, result);
      return result;
    },
  };
}

function countNotificationResult(metrics: Metrics, source: string, result: NotificationResult): void {
  if (result.kind !== 'received') return void metrics.webhooksRefused.inc({ source, reason: result.kind });
  if (result.repeated) metrics.webhooksRefused.inc({ source, reason: 'repeated' });
  else metrics.webhooksAccepted.inc({ source, mode: 'async' }, result.eventIds.length);
}

/** Counts a background attempt by how it settled its event: succeeded, retry, dead (or failed). */
export function countAttempt(metrics: Metrics, source: string, result: AttemptResult): void {
  if (result.kind === 'succeeded' || result.kind === 'unsettled')
    return void metrics.attempts.inc({ source, mode: 'async', outcome: result.kind });
  const outcome = result.settlement === 'queued' ? 'retry' : result.settlement;
  metrics.attempts.inc({ source, mode: 'async', outcome });
  if (outcome === 'retry') metrics.retries.inc({ source });
  if (outcome === 'dead') metrics.deadLetters.inc({ source });
}

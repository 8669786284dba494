import type { AcceptResult } from '../delivery/accept-result.js';
import type { Inbox } from '../delivery/inbox.js';
import type { InboxResult } from '../delivery/inbox-result.js';
import type { AttemptResult } from '../delivery/run-attempt.js';
import type { Metrics } from './metrics.js';

/** Counts every inbox outcome under its source: each accepted event (and a sync execution's attempt), or the refusal with its reason. */
export function instrumentInbox(inbox: Inbox, metrics: Metrics): Inbox {
  return {
    async receive(source, webhook) {
      const result = await inbox.receive(source, webhook);
      countInboxResult(metrics, source.name, result);
      return result;
    },
  };
}

function countInboxResult(metrics: Metrics, source: string, result: InboxResult): void {
  switch (result.kind) {
    case 'received':
      for (const outcome of result.outcomes) countAccepted(metrics, source, outcome);
      return;
    case 'not_found':
    case 'method_not_allowed':
    case 'not_configured':
    case 'forbidden':
    case 'unsupported_media_type':
    case 'too_large':
    case 'aborted':
    case 'unauthorized':
    case 'invalid_body':
    case 'unavailable':
      return void metrics.webhooksRefused.inc({ source, reason: result.kind });
    default:
      return result satisfies never;
  }
}

function countAccepted(metrics: Metrics, source: string, result: AcceptResult): void {
  switch (result.kind) {
    case 'accepted':
      if (result.repeated) return void metrics.webhooksRefused.inc({ source, reason: 'repeated' });
      return void metrics.webhooksAccepted.inc({ source, mode: 'async' });
    case 'succeeded':
    case 'failed':
      if (result.repeated) return void metrics.webhooksRefused.inc({ source, reason: 'repeated' });
      metrics.webhooksAccepted.inc({ source, mode: 'sync' });
      return void metrics.attempts.inc({ source, mode: 'sync', outcome: result.kind });
    case 'in_progress':
      return void metrics.webhooksRefused.inc({ source, reason: result.kind });
    case 'unsettled':
      metrics.webhooksAccepted.inc({ source, mode: 'sync' });
      return void metrics.attempts.inc({ source, mode: 'sync', outcome: 'unsettled' });
    default:
      return result satisfies never;
  }
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

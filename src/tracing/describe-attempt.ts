import type { Span } from '@opentelemetry/api';
import { markFailed } from './tracing.js';

/** An attempt's result as run-attempt.ts has it: its kind and, for a failure, what it did to the event. */
interface AttemptEnd {
  readonly kind: 'succeeded' | 'failed' | 'unsettled';
  readonly settlement?: 'queued' | 'failed' | 'dead' | 'succeeded';
}

/**
 * Notes on an attempt's `process` span how it ended: `succeeded`, `unsettled`, or for a failure what
 * it did to the event (`retry`, `dead`, `failed`). Never the errors themselves: they can quote a body.
 */
export function describeAttempt<T extends { readonly result: AttemptEnd }>(span: Span, attempt: T): T {
  const { result } = attempt;
  if (result.kind !== 'failed') {
    span.setAttribute('bpm_webhooks.outcome', result.kind);
    return attempt;
  }
  const outcome = result.settlement === 'queued' ? 'retry' : (result.settlement ?? 'failed');
  span.setAttribute('bpm_webhooks.outcome', outcome);
  markFailed(span, outcome);
  return attempt;
}

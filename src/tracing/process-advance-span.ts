import { type Link, SpanKind, trace } from '@opentelemetry/api';
import { contextFromHeaders } from './trace-context.js';
import { inSpan, markFailed, type Tracing } from './tracing.js';

/** An instance the poller moves, as the span needs it: ids and the stored creation context. */
interface AdvancedInstance {
  readonly id: number;
  readonly definitionId: number;
  readonly traceContext: Readonly<Record<string, string>> | null;
}

/** How an advance ended: why the poller ran it (`timer`, `call_returned`, `recovered`) and the status it left; undefined when the run failed. */
export type AdvanceEnd = { readonly reason: string; readonly status: string } | undefined;

/**
 * The `process instance advance` (consumer) span of an instance the poller moves: a timer fired, a
 * called instance handed back, a run taken over from a process that died. No request is behind it,
 * so, like a queued attempt, it continues the trace stored with the instance (its start, or the last
 * signal or message that moved it) and links to it: a timer an hour later joins the payment's trace.
 * Its script, command and forward spans are its children. Off, `run` is called as it is.
 */
export function inProcessAdvanceSpan(
  tracing: Tracing | undefined,
  instance: AdvancedInstance,
  run: () => Promise<AdvanceEnd>,
): Promise<AdvanceEnd> {
  if (!tracing) return run();
  const stored = contextFromHeaders(tracing, instance.traceContext ?? {});
  const created = trace.getSpanContext(stored);
  const links: Link[] = created ? [{ context: created }] : [];
  const attributes = {
    'messaging.system': 'bpm_webhooks',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'advance',
    'bpm_webhooks.process.instance_id': instance.id,
    'bpm_webhooks.process.definition_id': instance.definitionId,
  };
  const options = { kind: SpanKind.CONSUMER, links, attributes };
  return inSpan(
    tracing,
    'process instance advance',
    options,
    async (span) => {
      const end = await run();
      if (!end) {
        markFailed(span, 'run_failed');
        return end;
      }
      span.setAttribute('bpm_webhooks.process.advance', end.reason);
      span.setAttribute('bpm_webhooks.process.status', end.status);
      if (end.status === 'ERROR') markFailed(span, 'process_error');
      return end;
    },
    stored,
  );
}

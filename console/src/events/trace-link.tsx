import type { JsonObject } from '@bufbuild/protobuf';
import { useQuery } from '@tanstack/react-query';

/** The service's TRACE_URL_TEMPLATE, read once per page load. */
function useTraceUrlTemplate(): string | undefined {
  const settings = useQuery({
    queryKey: ['console-settings'],
    queryFn: async () => {
      const response = await fetch('settings.json');
      if (!response.ok) return { traceUrlTemplate: null };
      return (await response.json()) as { traceUrlTemplate: string | null };
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  return settings.data?.traceUrlTemplate ?? undefined;
}

/** The trace id of the event's creation (`traceContext.traceparent` in its trace), when tracing was on. */
export function traceIdOf(trace: JsonObject): string | undefined {
  const context = trace.traceContext;
  if (typeof context !== 'object' || context === null || Array.isArray(context)) return undefined;
  const traceparent = context.traceparent;
  return typeof traceparent === 'string' ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent)?.[1] : undefined;
}

/** The event's trace id, linked to the tracing system when TRACE_URL_TEMPLATE is set. */
export function TraceLink({ trace }: { readonly trace: JsonObject }) {
  const template = useTraceUrlTemplate();
  const traceId = traceIdOf(trace);
  if (!traceId) return <span className="muted">not traced</span>;
  if (!template) return <code data-testid="trace-id">{traceId}</code>;
  return (
    <a href={template.replaceAll('{traceId}', traceId)} target="_blank" rel="noreferrer" data-testid="trace-id">
      <code>{traceId}</code>
    </a>
  );
}

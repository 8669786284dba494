import {
  type Context,
  context,
  createContextKey,
  INVALID_SPAN_CONTEXT,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/**
 * A service's tracer and the W3C propagator, made by createTracing when tracing is on. Off, there
 * is none: no span is started, nothing is extracted or injected, and the SDK is never loaded.
 */
export interface Tracing {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

/**
 * The tracing of the span a context holds. Code below the roots (executors, commands) starts its
 * spans with it, so it needs no tracer of its own: what runs outside any traced work has none.
 */
const tracingKey = createContextKey('bpm-webhooks tracing');

/** A span that records nothing: what `fn` gets when tracing is off. */
export const offSpan: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** The tracing of the work in progress, if it is traced. */
export function activeTracing(): Tracing | undefined {
  return context.active().getValue(tracingKey) as Tracing | undefined;
}

/**
 * Runs `fn` in a new span, child of `parent` (default: the active context), and ends it when `fn`
 * settles; a throw marks the span an error with the error's class or code only (messages can
 * quote bodies). Without tracing, `fn` runs at once with a span that records nothing.
 */
export async function inSpan<T>(
  tracing: Tracing | undefined,
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  if (!tracing) return fn(offSpan);
  const span = tracing.tracer.startSpan(name, options, parent);
  try {
    return await context.with(trace.setSpan(parent.setValue(tracingKey, tracing), span), () => fn(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', errorType(error));
    throw error;
  } finally {
    span.end();
  }
}

/** A child span of the traced work in progress (chain steps, scripts, forwards, process instances). */
export function inChildSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(activeTracing(), name, options, fn);
}

/** Marks a span failed with an outcome of ours (`failed`, `dead`, an HTTP status class). */
export function markFailed(span: Span, errorType: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', errorType);
}

function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

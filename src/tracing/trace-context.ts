import {
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  trace,
} from '@opentelemetry/api';
import { activeTracing, type Tracing } from './tracing.js';

/** W3C trace context as headers carry it: `traceparent` and, when there is one, `tracestate`. */
export type TraceHeaders = Record<string, string>;

/** The W3C trace context of a span, to store with an event or send with a request. */
export function traceHeadersOf(tracing: Tracing, span: Span): TraceHeaders {
  const carrier: TraceHeaders = {};
  tracing.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
  return carrier;
}

/**
 * The W3C trace context of the traced work in progress, to store or send on; undefined outside
 * traced work (and always with tracing off).
 */
export function activeTraceHeaders(): TraceHeaders | undefined {
  const tracing = activeTracing();
  const span = trace.getSpan(context.active());
  return tracing && span ? traceHeadersOf(tracing, span) : undefined;
}

/**
 * The context a request or a stored event carries (`traceparent`, `tracestate`), on top of `base`;
 * `base` itself when there is none or it is malformed (the W3C propagator refuses those).
 */
export function contextFromHeaders(
  tracing: Tracing,
  headers: Readonly<Record<string, unknown>>,
  base: Context = ROOT_CONTEXT,
): Context {
  const carrier: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = headers[name];
    if (typeof value === 'string') carrier[name] = value;
  }
  return carrier.traceparent ? tracing.propagator.extract(base, carrier, defaultTextMapGetter) : base;
}

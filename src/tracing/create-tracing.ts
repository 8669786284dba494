import { context } from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from '../config/config.js';
import type { Tracing } from './tracing.js';

/**
 * Loads the OpenTelemetry SDK and builds the service's tracer, or nothing when tracing is off
 * (OTEL_TRACES_EXPORTER unset or `none` and no OTLP endpoint): the SDK is then never imported.
 * Spans go to the OTLP/HTTP exporter (protobuf, or JSON) in batches, or to the console.
 */
export async function createTracing(settings: TracingSettings): Promise<Tracing | undefined> {
  if (settings.exporter === 'none') return undefined;
  const { BatchSpanProcessor, ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-base');
  let exporter: SpanExporter;
  if (settings.exporter === 'console') {
    exporter = new ConsoleSpanExporter();
  } else {
    const { OTLPTraceExporter } =
      settings.otlpProtocol === 'http/protobuf'
        ? await import('@opentelemetry/exporter-trace-otlp-proto')
        : await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter({ url: settings.otlpTracesUrl, headers: settings.otlpHeaders });
  }
  return createTracingWith([new BatchSpanProcessor(exporter)], settings.serviceName);
}

/**
 * A tracer whose spans go to the given processors: createTracing's, or a test's in-memory exporter.
 * Each service gets its own provider (none is registered globally); only the context manager is
 * process-wide, as the API requires, and it carries no spans of its own.
 */
export async function createTracingWith(processors: SpanProcessor[], serviceName: string): Promise<Tracing> {
  const [
    { BasicTracerProvider },
    { resourceFromAttributes },
    { W3CTraceContextPropagator },
    { AsyncLocalStorageContextManager },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
  ]);
  // Refused (false) when one is already set, e.g. by a second service in the same process: the same kind, so fine.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: processors,
  });
  return {
    tracer: provider.getTracer('bpm-webhooks'),
    propagator: new W3CTraceContextPropagator(),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

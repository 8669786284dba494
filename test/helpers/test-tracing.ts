import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTracingWith } from '../../src/tracing/create-tracing.js';

/** A tracer of its own for one test service, whose spans are kept in memory as each ends. */
export async function createMemoryTracing() {
  const exporter = new InMemorySpanExporter();
  const tracing = await createTracingWith([new SimpleSpanProcessor(exporter)], 'bpm-webhooks-test');
  return {
    tracing,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
  };
}

/** `traceparent` of a span context, as a W3C header carries it. */
export function traceparentOf(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-0${context.traceFlags}`;
}

/** A span as an OTLP/HTTP JSON export carries it (ids in hex). */
export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes?: { key: string; value: Record<string, unknown> }[];
  readonly links?: { traceId: string; spanId: string }[];
  /** The `service.name` of the resource that exported it (set by the receiver). */
  readonly service?: string;
}

/**
 * A collector's OTLP/HTTP receiver on a free port: decodes each JSON export posted to /v1/traces
 * (gzipped or not) and keeps its spans and the raw text and headers of every request (a protobuf
 * export is accepted and kept raw only).
 */
export async function startOtlpReceiver() {
  const spans: OtlpSpan[] = [];
  const requests: { headers: http.IncomingHttpHeaders; text: string }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      requests.push({ headers: request.headers, text });
      const type = String(request.headers['content-type']);
      if (request.url === '/v1/traces' && type === 'application/x-protobuf') {
        // Kept raw (strings are plain UTF-8 in protobuf), answered with an empty response message.
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      if (request.url !== '/v1/traces' || !type.includes('json')) {
        response.writeHead(415).end();
        return;
      }
      const body = JSON.parse(text) as {
        resourceSpans: { resource?: Pick<OtlpSpan, 'attributes'>; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const { resource, scopeSpans } of body.resourceSpans) {
        const name = resource?.attributes?.find((entry) => entry.key === 'service.name')?.value.stringValue;
        const service = typeof name === 'string' ? { service: name } : {};
        for (const scope of scopeSpans) for (const span of scope.spans) spans.push({ ...span, ...service });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

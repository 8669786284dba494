import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createTracing } from '../../src/tracing/create-tracing.js';

describe('tracing settings', () => {
  it('are off by default, and createTracing then loads nothing', async () => {
    const { tracing } = loadConfig({});
    expect(tracing).toEqual({
      exporter: 'none',
      otlpTracesUrl: 'http://localhost:4318/v1/traces',
      otlpProtocol: 'http/json',
      otlpHeaders: {},
      serviceName: 'bpm-webhooks',
      traceUrlTemplate: undefined,
    });
    expect(await createTracing(tracing)).toBeUndefined();
  });

  it('turn on with an OTLP endpoint, the traces endpoint winning over the base one', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toMatchObject({
      exporter: 'otlp',
      otlpTracesUrl: 'http://collector:4318/v1/traces',
    });
    const both = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/v1/traces',
    });
    expect(both.tracing).toMatchObject({ exporter: 'otlp', otlpTracesUrl: 'https://traces.example/otlp/v1/traces' });
  });

  it('follow OTEL_TRACES_EXPORTER: none keeps them off despite an endpoint, console needs none', () => {
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).tracing.exporter).toBe(
      'none',
    );
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }).tracing.exporter).toBe('console');
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
  });

  it('encode exports as OTEL_EXPORTER_OTLP_PROTOCOL says, the traces one winning, and refuse gRPC', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }).tracing.otlpProtocol).toBe('http/protobuf');
    const both = loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' });
    expect(both.tracing.otlpProtocol).toBe('http/json');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });

  it('read the exporter headers (URL-encoded values) and refuse a malformed list', () => {
    const { tracing } = loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-tenant = bank' });
    expect(tracing.otlpHeaders).toEqual({ authorization: 'Bearer abc', 'x-tenant': 'bank' });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'a=%E0%A4%A' })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
  });

  it('take a trace link template only with {traceId} in an http(s) URL', () => {
    const template = 'https://tempo.example/trace/{traceId}';
    expect(loadConfig({ TRACE_URL_TEMPLATE: template }).tracing.traceUrlTemplate).toBe(template);
    expect(() => loadConfig({ TRACE_URL_TEMPLATE: 'https://tempo.example/trace/' })).toThrow(/TRACE_URL_TEMPLATE/);
    expect(() => loadConfig({ TRACE_URL_TEMPLATE: 'javascript:alert({traceId})' })).toThrow(/TRACE_URL_TEMPLATE/);
  });
});

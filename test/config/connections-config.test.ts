import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

describe('connection limits', () => {
  it('defaults to 10 s first byte, 15 s headers, 30 s request, 65 s keep-alive, 2 min h2 idle, 10,000 connections, 100 h2 streams, 16 pipelined requests', () => {
    expect(loadConfig({}).connections).toEqual({
      firstByteTimeoutMs: 10_000,
      headersTimeoutMs: 15_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      h2IdleTimeoutMs: 120_000,
      maxConnections: 10_000,
      h2MaxConcurrentStreams: 100,
      maxPipelinedRequests: 16,
    });
  });

  it('reads each from its variable', () => {
    expect(
      loadConfig({
        FIRST_BYTE_TIMEOUT_MS: '1000',
        HEADERS_TIMEOUT_MS: '2000',
        REQUEST_TIMEOUT_MS: '3000',
        KEEP_ALIVE_TIMEOUT_MS: '4000',
        H2_IDLE_TIMEOUT_MS: '5000',
        MAX_CONNECTIONS: '6',
        H2_MAX_CONCURRENT_STREAMS: '7',
        MAX_PIPELINED_REQUESTS: '8',
      }).connections,
    ).toEqual({
      firstByteTimeoutMs: 1000,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 3000,
      keepAliveTimeoutMs: 4000,
      h2IdleTimeoutMs: 5000,
      maxConnections: 6,
      h2MaxConcurrentStreams: 7,
      maxPipelinedRequests: 8,
    });
  });

  it('refuses a headers timeout longer than the request timeout, and a cap of zero', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '40000', REQUEST_TIMEOUT_MS: '30000' })).toThrow(/HEADERS_TIMEOUT_MS: /);
    expect(() => loadConfig({ MAX_CONNECTIONS: '0' })).toThrow(/MAX_CONNECTIONS: /);
  });
});

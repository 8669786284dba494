import autocannon from 'autocannon';

/** One measured load: throughput, latency quantiles and failures. */
export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Connection errors and timeouts, plus answers with another status than expected. */
  readonly errors: number;
  readonly requests: number;
  /** CPU µs per answered request of the target's processes and of PostgreSQL (see cpu-meter.ts). */
  readonly targetCpuUs?: number;
  readonly databaseCpuUs?: number;
}

export interface HttpLoad {
  readonly url: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
  readonly connections: number;
  readonly seconds: number;
  readonly expectedStatus: number;
  /** Requests per second across all connections, for a paced load; unset = as fast as possible. */
  readonly overallRate?: number;
}

/** Drives a POST load with autocannon (HTTP/1.1, keep-alive, pipelining off) and summarises it. */
export async function runHttpLoad(load: HttpLoad): Promise<LoadResult> {
  const result = await autocannon({
    url: load.url,
    method: 'POST',
    body: load.body,
    headers: { 'content-type': 'application/json', ...load.headers },
    connections: load.connections,
    duration: load.seconds,
    timeout: 10,
    ...(load.overallRate && { overallRate: load.overallRate }),
    expectBody: undefined,
  });
  const statusOk = result.statusCodeStats?.[String(load.expectedStatus) as keyof typeof result.statusCodeStats]?.count ?? 0;
  const answered = result.requests.total;
  return {
    rps: statusOk / load.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + (answered - statusOk),
    requests: answered,
  };
}

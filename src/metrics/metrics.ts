import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric the service exports, on one registry made per service (never prom-client's global one,
 * so several services in one process do not collide). Label values are bounded: route patterns, RPC
 * names, config keys, sources, execution types, outcomes and reasons; never event ids or raw paths.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Plain HTTP endpoints: route is the matched pattern, or "unmatched". */
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method'>;
  /** RPCs over gRPC, gRPC-Web and Connect: method is `/package.Service/Method`, code the Connect code name or "ok". */
  readonly rpcRequests: Counter<'method' | 'code'>;
  readonly rpcDuration: Histogram<'method'>;
  /** Webhooks stored for execution (source: "router" or a fixed endpoint; mode: sync or async). */
  readonly webhooksAccepted: Counter<'source' | 'mode'>;
  /** Webhooks answered without being executed: not_found, forbidden, unauthorized, too_large, ... and repeated. */
  readonly webhooksRefused: Counter<'source' | 'reason'>;
  /** Calls of the ExecutionService. */
  readonly executions: Counter<'config_key' | 'execution_type' | 'outcome'>;
  readonly executionDuration: Histogram<'config_key' | 'execution_type'>;
  /** Attempts by how they settled their event: succeeded, failed (sync), retry, dead. */
  readonly attempts: Counter<'source' | 'mode' | 'outcome'>;
  readonly retries: Counter<'source'>;
  readonly deadLetters: Counter<'source'>;
  /** For the script hosts (issue 9): a script cut off by its timeout or its memory limit; a host restarted. */
  readonly scriptTimeouts: Counter<'config_key'>;
  readonly scriptMemoryBreaches: Counter<'config_key'>;
  readonly scriptHostRestarts: Counter<'reason'>;
  /** For the process engine (issue 11): instances by status (RUNNING, WAITING, COMPLETED, ERROR, CANCELLED). */
  readonly processInstances: Gauge<'status'>;
  /** Failed queries and failed pool connections. */
  readonly storeErrors: Counter<'kind'>;
}

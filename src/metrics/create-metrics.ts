import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { countProcessInstancesByStatus } from '../store/count-process-instances.js';
import { countDeliveryWaits, findDeliveryBackOffs } from '../store/delivery-waits.js';
import { countInboxBySource } from '../store/inbox-depth.js';
import type { Metrics } from './metrics.js';
import { registerFreshnessGauges } from './register-freshness-gauges.js';
import { registerSilenceGauges } from './register-silence-gauges.js';

export interface MetricsOptions {
  readonly db: Knex;
  readonly clock: () => Date;
  readonly log: Logger;
  /** Node process metrics (CPU, memory, event loop lag, GC); default true. */
  readonly processMetrics?: boolean;
  /** Readiness for `bpm_ready` (GET /readyz's check); without it the gauge reads 1 while the store answers. */
  readonly isReady?: () => Promise<boolean>;
}

/** Seconds: from a fast answer (1 ms) to a slow execution (30 s). */
const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The service's metrics on a registry of its own. Inbox depth and pool usage are read when scraped;
 * store errors are counted from knex's and the pool's events (`close` detaches those listeners).
 */
export function createMetrics(options: MetricsOptions): Metrics & { close(): void } {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Histogram<L>({ name, help, labelNames, buckets: durationBuckets, registers });

  const storeErrors = counter('bpm_store_errors_total', 'Failed store queries and pool connections', ['kind']);
  const metrics: Metrics = {
    registry,
    httpRequests: counter('bpm_http_requests_total', 'Plain HTTP requests by route pattern, method and status', [
      'route',
      'method',
      'status',
    ]),
    httpDuration: histogram('bpm_http_request_duration_seconds', 'Plain HTTP request latency', ['route', 'method']),
    rpcRequests: counter('bpm_rpc_requests_total', 'RPCs (gRPC, gRPC-Web, Connect) by method and code', ['method', 'code']),
    rpcDuration: histogram('bpm_rpc_duration_seconds', 'RPC latency', ['method']),
    webhooksAccepted: counter('bpm_webhooks_accepted_total', 'Webhooks stored for execution', ['source', 'mode']),
    webhooksRefused: counter('bpm_webhooks_refused_total', 'Webhooks answered without being executed, by reason', [
      'source',
      'reason',
    ]),
    executions: counter('bpm_executions_total', 'Executions by config key, execution type and outcome', [
      'config_key',
      'execution_type',
      'outcome',
    ]),
    executionDuration: histogram('bpm_execution_duration_seconds', 'Execution time', ['config_key', 'execution_type']),
    attempts: counter('bpm_event_attempts_total', 'Event attempts by how they settled the event', ['source', 'mode', 'outcome']),
    retries: counter('bpm_event_retries_total', 'Failed attempts scheduled for a retry', ['source']),
    deadLetters: counter('bpm_event_dead_letters_total', 'Events whose attempts ran out', ['source']),
    scriptTimeouts: counter('bpm_script_timeouts_total', 'Scripts cut off by their timeout', ['config_key']),
    scriptMemoryBreaches: counter('bpm_script_memory_breaches_total', 'Scripts cut off by their memory limit', ['config_key']),
    scriptHostRestarts: counter('bpm_script_host_restarts_total', 'Script host processes restarted', ['reason']),
    processInstances: new Gauge({
      name: 'bpm_process_instances',
      help: 'BPMN process instances by status',
      labelNames: ['status'],
      registers,
      async collect() {
        const counts = await countProcessInstancesByStatus(options.db).catch((error: unknown) => {
          options.log.warn({ err: error }, 'cannot count the process instances for /metrics');
          return [];
        });
        this.reset();
        for (const { status, count } of counts) this.set({ status }, count);
      },
    }),
    storeErrors,
  };
  registerInboxGauges(registry, options);
  registerDeliveryWaitGauges(registry, options);
  registerPoolGauges(registry, options.db);
  registerSilenceGauges(registry, options);
  registerFreshnessGauges(registry, {
    db: options.db,
    log: options.log,
    isReady:
      options.isReady ??
      (async () => {
        await options.db.raw('SELECT 1');
        return true;
      }),
  });

  const onQueryError = () => storeErrors.inc({ kind: 'query' });
  options.db.on('query-error', onQueryError);
  const pool = poolOf(options.db);
  const onCreateFail = () => storeErrors.inc({ kind: 'connect' });
  pool?.on('createFail', onCreateFail);
  return {
    ...metrics,
    close() {
      options.db.removeListener('query-error', onQueryError);
      pool?.removeListener('createFail', onCreateFail);
    },
  };
}

function registerInboxGauges(registry: Registry, options: MetricsOptions): void {
  // One query per scrape feeds all three gauges; it is started by whichever is collected first.
  let pending: ReturnType<typeof countInboxBySource> | undefined;
  const depths = () => {
    pending ??= countInboxBySource(options.db, options.clock()).finally(() => setImmediate(() => (pending = undefined)));
    return pending.catch((error: unknown) => {
      options.log.warn({ err: error }, 'cannot read the inbox depth for /metrics');
      return [];
    });
  };
  new Gauge({
    name: 'bpm_inbox_events',
    help: 'Events waiting (queued) or running (processing), per source',
    labelNames: ['source', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const depth of await depths()) {
        this.set({ source: depth.source, status: 'queued' }, depth.queued);
        this.set({ source: depth.source, status: 'processing' }, depth.processing);
      }
    },
  });
  new Gauge({
    name: 'bpm_inbox_oldest_due_age_seconds',
    help: 'How long the oldest due queued event has waited, per source',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const depth of await depths()) this.set({ source: depth.source }, depth.oldestDueAgeSeconds);
    },
  });
}

function registerDeliveryWaitGauges(registry: Registry, options: MetricsOptions): void {
  // One query per scrape feeds both gauges, as for the inbox depth.
  let pending: ReturnType<typeof countDeliveryWaits> | undefined;
  const waits = () => {
    pending ??= countDeliveryWaits(options.db).finally(() => setImmediate(() => (pending = undefined)));
    return pending.catch((error: unknown) => {
      options.log.warn({ err: error }, 'cannot read the held-back events for /metrics');
      return [];
    });
  };
  new Gauge({
    name: 'bpm_delivery_waiting_events',
    help: 'Queued events held back from the workers, per configuration: reason pause (delivery paused), order (behind an earlier event of their ordering key) or limit (waiting for maxConcurrency, maxPerSecond or a Retry-After back-off)',
    labelNames: ['config_key', 'reason'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const wait of await waits())
        if (wait.reason !== 'parked') this.set({ config_key: wait.configKey, reason: wait.reason }, wait.events);
    },
  });
  new Gauge({
    name: 'bpm_delivery_parked_keys',
    help: 'Ordering keys parked by a dead event, per configuration: their later events wait for an operator',
    labelNames: ['config_key'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const wait of await waits()) if (wait.reason === 'parked') this.set({ config_key: wait.configKey }, wait.events);
    },
  });
  new Gauge({
    name: 'bpm_delivery_backoff_seconds',
    help: 'Seconds a configuration still waits because its forward target answered 429 or 503 with Retry-After; absent when not backed off',
    labelNames: ['config_key'],
    registers: [registry],
    async collect() {
      this.reset();
      const backOffs = await findDeliveryBackOffs(options.db).catch((error: unknown) => {
        options.log.warn({ err: error }, 'cannot read the delivery back-offs for /metrics');
        return [];
      });
      for (const backOff of backOffs) this.set({ config_key: backOff.configKey }, backOff.secondsLeft);
    },
  });
}

/** The slice of tarn's pool that knex exposes as `client.pool`. */
interface PoolStats {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  on(event: 'createFail', listener: () => void): void;
  removeListener(event: 'createFail', listener: () => void): void;
}

function poolOf(db: Knex): PoolStats | undefined {
  const pool = (db.client as { pool?: PoolStats }).pool;
  return pool && typeof pool.numUsed === 'function' ? pool : undefined;
}

function registerPoolGauges(registry: Registry, db: Knex): void {
  new Gauge({
    name: 'bpm_store_pool_connections',
    help: 'Store connections in use, idle, and acquisitions waiting',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = poolOf(db);
      if (!pool) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending' }, pool.numPendingAcquires());
    },
  });
}

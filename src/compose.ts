import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from '@connectrpc/connect';
import type { Knex } from 'knex';
import type { ExecutionService } from '../gen/bpm/webhooks/v1/execution_pb.js';
import type { Logger } from 'pino';
import type { Authenticator } from './auth/authenticator.js';
import { builtInCommands, createConfiguredCommands } from './commands/catalog.js';
import type { CommandDefinition } from './commands/command.js';
import { createCommandBus, type CommandBus } from './commands/command-bus.js';
import { audit } from './commands/interceptors/audit.js';
import { authorize } from './commands/interceptors/authorize.js';
import { logOutcome } from './commands/interceptors/log-outcome.js';
import { refreshRoutesAfterWrites } from './commands/interceptors/refresh-routes.js';
import { defaultDeliverySettings, defaultProcessSettings, defaultProvidersConfig, type Config } from './config/config.js';
import { createConfigCache, defaultConfigCacheSettings, type ConfigCache } from './delivery/config-cache.js';
import { createInbox, type Inbox } from './delivery/inbox.js';
import { createInsertBatches } from './delivery/insert-batches.js';
import { createRetentionJob } from './delivery/retention-job.js';
import { openClaimedAttempts } from './delivery/open-claimed-attempts.js';
import { runAttempt } from './delivery/run-attempt.js';
import { createSettleBatches } from './delivery/settle-batches.js';
import { createWorker, type Worker } from './delivery/worker.js';
import { createExecutorCatalog } from './executors/executor-catalog.js';
import { createInProcessExecutionClient, disposeExecutors } from './executors/execution-service.js';
import { createProviderInbox } from './providers/provider-inbox.js';
import { createProviders } from './providers/providers.js';
import { createProcessRuntime } from './executors/process/process-runtime.js';
import { runWebhookCommand } from './executors/run-webhook-command.js';
import { createScriptSandbox } from './executors/script/script-sandbox.js';
import { toScriptReply } from './executors/script/script-executor.js';
import { logScriptHostEvent } from './executors/script/log-script-host-event.js';
import { parseTrustedProxies } from './router/client-ip.js';
import { countScriptHostEvent } from './metrics/count-script-host-event.js';
import { createMetrics } from './metrics/create-metrics.js';
import { countAttempt, instrumentInbox, instrumentProviderInbox } from './metrics/instrument-inbox.js';
import { instrumentExecution } from './metrics/instrument-execution.js';
import type { Metrics } from './metrics/metrics.js';
import { createMetricsRoute } from './metrics/metrics-route.js';
import { createServer, type AppServer } from './server.js';
import type { HttpRoute } from './transport/http/http-types.js';
import { isDatabaseReady } from './store/migrate.js';
import { eventsQueuedChannel } from './store/insert-webhook-events.js';
import { listenToChannel, type ChannelListener } from './store/listen-to-channel.js';
import { createProviderRoute } from './transport/webhooks/provider-route.js';
import { createWebhookIngressRoute } from './transport/webhooks/webhook-ingress-route.js';

export interface ServiceOptions {
  readonly config: Pick<Config, 'maxBodyBytes' | 'executors'> &
    Partial<
      Pick<Config, 'trustedProxies' | 'delivery' | 'connections' | 'configCache' | 'providers' | 'operations' | 'processes'>
    >;
  /** An open, migrated database. */
  readonly db: Knex;
  readonly log: Logger;
  readonly clock?: () => Date;
  /** Verifies every management call's bearer token: built from config by main.ts (see auth/create-auth.ts). */
  readonly authenticate: Authenticator;
  /** Further plain endpoints, e.g. the JWKS. */
  readonly routes?: readonly HttpRoute[];
  /** Commands beyond the built-in ones (COMMAND_MODULES, tests). */
  readonly extraCommands?: readonly CommandDefinition[];
  /** Jitter source of the retry schedule. */
  readonly random?: () => number;
  /** Starts the background worker and, with EVENT_RETENTION_DAYS, the retention purge (default true); tests that drive them by hand turn it off. */
  readonly startWorker?: boolean;
  /** Node process metrics on /metrics (default true). */
  readonly processMetrics?: boolean;
}

export interface Service {
  readonly bus: CommandBus;
  /** The internal ExecutionService, called in-process. */
  readonly execution: Client<typeof ExecutionService>;
  readonly server: AppServer;
  readonly inbox: Inbox;
  readonly worker: Worker;
  readonly configs: ConfigCache;
  readonly metrics: Metrics;
  /** Stops the server, then the worker (in-flight events finish or are released), then the executors. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Wires the service from its parts: commands with their interceptors, executors, the inbox and its
 * worker, then the transports. Used by main.ts and by the end-to-end tests, so both run the same thing.
 */
export function composeService(options: ServiceOptions): Service {
  const clock = options.clock ?? (() => new Date());
  const delivery = options.config.delivery ?? defaultDeliverySettings;
  const operations = options.config.operations ?? { metricsToken: undefined, grpcReflection: true };
  const metrics = createMetrics({ db: options.db, clock, log: options.log, processMetrics: options.processMetrics ?? true });
  const configs = createConfigCache(options.db, options.log, options.config.configCache);
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const logHostEvent = logScriptHostEvent(options.log);
  const countHostEvent = countScriptHostEvent(metrics);
  const sandbox = createScriptSandbox(options.config.executors.script, {
    ...(options.clock && { clock: options.clock }),
    onHostEvent: (event) => {
      logHostEvent(event);
      countHostEvent(event);
    },
  });
  const processes = createProcessRuntime({
    db: options.db,
    clock,
    log: options.log,
    owner: workerId,
    sandbox,
    scriptTimeoutMs: options.config.executors.script.timeoutMs,
    settings: options.config.processes ?? defaultProcessSettings,
    // Scripts in processes run commands with a webhook's rights, as ExecuteCode scripts do.
    runCommand: async (name, data) =>
      toScriptReply(
        await runWebhookCommand(bus, name, data, { key: 'process', requestId: `process-${randomBytes(4).toString('hex')}` }),
      ),
  });
  const bus: CommandBus = createCommandBus({
    commands: [
      ...Object.values(builtInCommands),
      ...Object.values(
        createConfiguredCommands({
          forward: {
            allowedHosts: options.config.executors.forwardAllowedHosts,
            timeoutMs: options.config.executors.forwardTimeoutMs,
          },
          replay: { defaultMaxAttempts: delivery.defaultMaxAttempts },
          processes,
        }),
      ),
      ...(options.extraCommands ?? []),
    ],
    // Outermost first: failures are logged and normalised; only authorised calls reach the audit,
    // which records the writes that succeed in their transaction; once that has committed, the
    // route table is refreshed.
    interceptors: [logOutcome, authorize, refreshRoutesAfterWrites(() => configs.invalidate()), audit],
    db: options.db,
    clock,
    log: options.log,
  });
  const executors = createExecutorCatalog(bus, {
    script: options.config.executors.script,
    db: options.db,
    sandbox,
    processes,
    ...(options.clock && { clock: options.clock }),
  });
  const execution = instrumentExecution(createInProcessExecutionClient(executors), metrics);
  const attemptDeps = {
    db: options.db,
    execution,
    clock,
    random: options.random ?? Math.random,
    log: options.log,
    workerId,
    policy: delivery,
    settle: createSettleBatches(options.db),
  };
  const worker = createWorker({
    ...attemptDeps,
    concurrency: delivery.workerConcurrency,
    pollMs: delivery.workerPollMs,
    leaseMs: delivery.leaseMs,
    open: (events) => openClaimedAttempts(attemptDeps, events),
    run: async (event, start) => {
      // Every log line of an attempt carries the request id the event came in with.
      const log = event.requestId ? attemptDeps.log.child({ requestId: event.requestId }) : attemptDeps.log;
      countAttempt(metrics, event.source, await runAttempt({ ...attemptDeps, log }, event, 'async', start));
    },
  });
  const inboxDeps = {
    ...attemptDeps,
    configs,
    trustedProxies: parseTrustedProxies(options.config.trustedProxies ?? ''),
    defaultMaxAttempts: delivery.defaultMaxAttempts,
    refusedStoredPerMinute: delivery.refusedStoredPerMinute,
    insertEvent: createInsertBatches(options.db),
    onQueued: () => worker.wake(),
  };
  const inbox = instrumentInbox(createInbox(inboxDeps), metrics, 'router');
  const providerInbox = instrumentProviderInbox(createProviderInbox(inboxDeps), metrics);
  const providers = createProviders(options.config.providers ?? defaultProvidersConfig);
  const server = createServer({
    bus,
    authenticate: options.authenticate,
    log: options.log,
    maxBodyBytes: options.config.maxBodyBytes,
    isReady: () => isDatabaseReady(options.db),
    ...(options.config.connections && { connections: options.config.connections }),
    metrics,
    grpcReflection: operations.grpcReflection,
    routes: [
      createWebhookIngressRoute({ inbox, maxBodyBytes: options.config.maxBodyBytes, log: options.log }),
      ...Object.values(providers).map((provider) =>
        createProviderRoute(provider, { inbox: providerInbox, maxBodyBytes: options.config.maxBodyBytes }),
      ),
      createMetricsRoute(metrics, operations.metricsToken),
      ...(options.routes ?? []),
    ],
  });
  const retention =
    delivery.eventRetentionDays > 0
      ? createRetentionJob({ db: options.db, log: options.log, clock, retentionDays: delivery.eventRetentionDays })
      : undefined;
  let queuedListener: ChannelListener | undefined;
  if (options.startWorker ?? true) {
    worker.start();
    // Another process's accepts wake this worker too (this one's wake it directly, through onQueued).
    if (delivery.workerConcurrency > 0) {
      const heartbeatMs = (options.config.configCache ?? defaultConfigCacheSettings).listenHeartbeatMs;
      queuedListener = listenToChannel(options.db, eventsQueuedChannel, () => worker.wake(), options.log, { heartbeatMs });
    }
    retention?.start();
    processes.startPolling();
  }
  return {
    bus,
    execution,
    server,
    inbox,
    worker,
    configs,
    metrics,
    async close(graceMs) {
      await server.close(graceMs);
      await queuedListener?.close();
      await worker.stop(graceMs);
      await retention?.stop();
      await processes.dispose();
      await configs.close();
      await disposeExecutors(executors);
      metrics.close();
    },
  };
}

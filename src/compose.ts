import type { AddressInfo } from 'node:net';
import { findUnrunnableConfigs } from './commands/webhook-configs/find-unrunnable-configs.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Authenticator } from './auth/authenticator.js';
import type { CommandDefinition } from './commands/command.js';
import type { CommandBus } from './commands/command-bus.js';
import { defaultDeliverySettings, defaultProvidersConfig, type Config } from './config/config.js';
import { composeExecutors } from './compose-executors.js';
import { createConfigCache, defaultConfigCacheSettings, type ConfigCache } from './delivery/config-cache.js';
import { createInbox, type Inbox } from './delivery/inbox.js';
import { createInsertBatches } from './delivery/insert-batches.js';
import { createQueueUpkeep } from './delivery/queue-upkeep.js';
import { createRetentionJob } from './delivery/retention-job.js';
import { claimAttempts } from './delivery/claim-attempts.js';
import { createLeaseKeepers } from './delivery/lease-keeper.js';
import { runAttempt } from './delivery/run-attempt.js';
import { createSettleBatches } from './delivery/settle-batches.js';
import { createWorker, type Worker } from './delivery/worker.js';
import { createLimitAdmission } from './delivery/limit-admission.js';
import type { ExecutionRunner } from './executors/execution-job.js';
import { createExecutionRunner } from './executors/execution-service.js';
import { createRemoteExecutionRunner } from './executors/remote-execution-runner.js';
import { createProviders } from './providers/providers.js';
import { logScriptHostEvent } from './executors/script/log-script-host-event.js';
import { parseTrustedProxies } from './router/client-ip.js';
import { countScriptHostEvent } from './metrics/count-script-host-event.js';
import { createMetrics } from './metrics/create-metrics.js';
import { countAttempt, instrumentInbox } from './metrics/instrument-inbox.js';
import { instrumentExecution } from './metrics/instrument-execution.js';
import type { Metrics } from './metrics/metrics.js';
import { createMetricsRoute } from './metrics/metrics-route.js';
import { createServer, type AppServer } from './server.js';
import { createSelfSender } from './transport/webhooks/self-sender.js';
import { traceHttpRoute } from './transport/http/trace-http-route.js';
import type { Tracing } from './tracing/tracing.js';
import { createNotifier, type Notifier } from './notify/notifier.js';
import { createNotificationSender } from './notify/send-notification.js';
import type { HttpRoute } from './transport/http/http-types.js';
import { isDatabaseReady } from './store/migrate.js';
import { eventsQueuedChannel } from './store/insert-webhook-events.js';
import { listenToChannel, type ChannelListener } from './store/listen-to-channel.js';
import { createProviderRoute } from './transport/webhooks/provider-route.js';
import { createWebhookIngressRoute } from './transport/webhooks/webhook-ingress-route.js';

/** How often a worker looks for events waiting for their configurations' limits when it knows of none. */
const limitIdleLookMs = 200;
export interface ServiceOptions {
  readonly config: Pick<Config, 'maxBodyBytes' | 'executors'> &
    Partial<
      Pick<
        Config,
        | 'trustedProxies'
        | 'delivery'
        | 'connections'
        | 'configCache'
        | 'providers'
        | 'operations'
        | 'processes'
        | 'tracing'
        | 'notify'
      >
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
  /** Starts the background worker and the event log's upkeep and retention (default true); tests that drive them by hand turn it off. */
  readonly startWorker?: boolean;
  /** Node process metrics on /metrics (default true). */
  readonly processMetrics?: boolean;
  /** Where the console's built files are (default dist/console; tests serve their own). */
  readonly consoleDirectory?: string;
  /** Spans of webhooks, attempts and RPCs (see tracing/create-tracing.ts); absent when tracing is off. */
  readonly tracing?: Tracing | undefined;
}

export interface Service {
  readonly bus: CommandBus;
  /** What runs webhook executions: this process's executors called directly, or the executor process at EXECUTOR_URL. */
  readonly execution: ExecutionRunner;
  readonly server: AppServer;
  readonly inbox: Inbox;
  readonly worker: Worker;
  readonly configs: ConfigCache;
  readonly metrics: Metrics;
  /** Failure notifications, when NOTIFY_WEBHOOK_URL is set. */
  readonly notifier: Notifier | undefined;
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
  const isReady = () => isDatabaseReady(options.db);
  const metrics = createMetrics({
    db: options.db,
    clock,
    log: options.log,
    processMetrics: options.processMetrics ?? true,
    isReady,
  });
  const configs = createConfigCache(options.db, options.log, options.config.configCache);
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const logHostEvent = logScriptHostEvent(options.log);
  const countHostEvent = countScriptHostEvent(metrics);
  // Known once the server listens: the test sender (SendTestWebhookCommand) sends to it.
  let listening: AddressInfo | undefined;
  const { bus, processes, executors, ...ownExecutors } = composeExecutors({
    sendToSelf: createSelfSender(() => listening),
    config: options.config,
    db: options.db,
    log: options.log,
    ...(options.clock && { clock: options.clock }),
    workerId,
    ...(options.extraCommands && { extraCommands: options.extraCommands }),
    onConfigWrite: () => configs.invalidate(),
    tracing: options.tracing,
    onHostEvent: (event) => {
      logHostEvent(event);
      countHostEvent(event);
    },
  });
  const remote = options.config.executors.url
    ? createRemoteExecutionRunner({ url: options.config.executors.url, token: options.config.executors.token })
    : undefined;
  // Executions go to the executor process when there is one; the bus, the process runtime and
  // the executors here still serve the management API, process timers and scripts in processes.
  const execution = instrumentExecution(remote ?? createExecutionRunner(executors), metrics);
  const attemptDeps = {
    db: options.db,
    execution,
    clock,
    random: options.random ?? Math.random,
    log: options.log,
    workerId,
    policy: delivery,
    leases: createLeaseKeepers({ db: options.db, log: options.log, owner: workerId, leaseMs: delivery.leaseMs }),
    settle: createSettleBatches(options.db),
    tracing: options.tracing,
  };
  const notifyUrl = options.config.notify?.webhookUrl;
  const notifier =
    options.config.notify && notifyUrl
      ? createNotifier({
          db: options.db,
          log: options.log,
          clock,
          settings: options.config.notify,
          send: createNotificationSender({
            url: notifyUrl,
            forwardAllowedHosts: options.config.executors.forwardAllowedHosts,
            timeoutMs: options.config.executors.forwardTimeoutMs,
          }),
        })
      : undefined;
  const worker = createWorker({
    ...attemptDeps,
    concurrency: delivery.workerConcurrency,
    pollMs: delivery.workerPollMs,
    claim: (limit, sent) => claimAttempts({ ...attemptDeps, leaseMs: delivery.leaseMs, configs }, limit, sent),
    admission: createLimitAdmission(options.db, attemptDeps.log, Math.min(delivery.workerPollMs, limitIdleLookMs)),
    run: async (event, start) => {
      // Every log line of an attempt carries the request id the event came in with.
      const log = event.requestId ? attemptDeps.log.child({ requestId: event.requestId }) : attemptDeps.log;
      const result = await runAttempt({ ...attemptDeps, log }, event, 'async', start);
      countAttempt(metrics, event.source, result);
      if (notifier && result.kind === 'failed' && result.settlement === 'dead')
        await notifier
          .eventWentDead(event)
          .catch((error: unknown) => log.warn({ err: error }, 'cannot open the dead-letter notification'));
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
  const inbox = instrumentInbox(createInbox(inboxDeps), metrics);
  const providers = createProviders(options.config.providers ?? defaultProvidersConfig);
  const server = createServer({
    bus,
    authenticate: options.authenticate,
    log: options.log,
    maxBodyBytes: options.config.maxBodyBytes,
    isReady,
    readinessDetail: async () => ({ unrunnableConfigs: await findUnrunnableConfigs({ db: options.db, commands: bus }) }),
    ...(options.config.connections && { connections: options.config.connections }),
    metrics,
    grpcReflection: operations.grpcReflection,
    tracing: options.tracing,
    console: {
      directory: options.consoleDirectory,
      sourceMaps: operations.consoleSourceMaps,
      traceUrlTemplate: options.config.tracing?.traceUrlTemplate,
    },
    routes: [
      traceHttpRoute(
        createWebhookIngressRoute({ inbox, maxBodyBytes: options.config.maxBodyBytes, log: options.log }),
        options.tracing,
      ),
      ...Object.values(providers).map((provider) =>
        traceHttpRoute(createProviderRoute(provider, { inbox, maxBodyBytes: options.config.maxBodyBytes }), options.tracing),
      ),
      createMetricsRoute(metrics, operations.metricsToken),
      ...(options.routes ?? []),
    ],
  });
  const listeningServer = rememberAddress(server, (address) => (listening = address));
  const retention = createRetentionJob({ db: options.db, log: options.log, clock, retentionDays: delivery.eventRetentionDays });
  // Not tied to startWorker: a process that only accepts still fills the queue others drain.
  const upkeep = createQueueUpkeep({ db: options.db, log: options.log });
  upkeep.start();
  let queuedListener: ChannelListener | undefined;
  if (options.startWorker ?? true) {
    worker.start();
    // Another process's accepts wake this worker too (this one's wake it directly, through onQueued).
    if (delivery.workerConcurrency > 0) {
      const heartbeatMs = (options.config.configCache ?? defaultConfigCacheSettings).listenHeartbeatMs;
      queuedListener = listenToChannel(options.db, eventsQueuedChannel, () => worker.wake(), options.log, { heartbeatMs });
    }
    retention.start();
    notifier?.start();
    processes.startPolling();
  }
  return {
    bus,
    execution,
    server: listeningServer,
    inbox,
    worker,
    configs,
    metrics,
    notifier,
    async close(graceMs) {
      await server.close(graceMs);
      await queuedListener?.close();
      await worker.stop(graceMs);
      await retention.stop();
      await notifier?.stop();
      await upkeep.stop();
      remote?.close();
      await configs.close();
      await ownExecutors.close();
      metrics.close();
    },
  };
}

/** The same server, telling `onListening` the address it listens on. */
function rememberAddress(server: AppServer, onListening: (address: AddressInfo) => void): AppServer {
  return {
    ...server,
    async listen(port, host) {
      const address = await server.listen(port, host);
      onListening(address);
      return address;
    },
  };
}

import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Authenticator } from '../../src/auth/authenticator.js';
import type { CommandDefinition } from '../../src/commands/command.js';
import { composeService, type Service } from '../../src/compose.js';
import type { HttpRoute } from '../../src/transport/http/http-types.js';
import type { Tracing } from '../../src/tracing/tracing.js';
import {
  type ConfigCacheSettings,
  type ConnectionLimits,
  type DeliverySettings,
  type ExecutorsConfig,
  type OperationsConfig,
  type ProcessSettings,
  type ProvidersConfig,
  defaultConnectionLimits,
  defaultDeliverySettings,
  defaultProcessSettings,
  defaultProvidersConfig,
  loadConfig,
} from '../../src/config/config.js';
import { defaultNotifySettings, type NotifySettings } from '../../src/config/notify-config.js';
import { silentLog } from './silent-log.js';
import { createTestAuthenticator, mintAdminToken } from './tokens.js';

export { silentLog } from './silent-log.js';

export interface RunningService extends Service {
  readonly baseUrl: string;
  readonly port: number;
  /** A bearer token with every permission, accepted by the default authenticator. */
  readonly adminToken: string;
  stop(): Promise<void>;
}

/** The executor settings of an empty environment. */
export const defaultExecutors: ExecutorsConfig = loadConfig({}).executors;

export interface TestServiceOptions {
  maxBodyBytes?: number;
  /** Defaults to a real HS256 authenticator (see tokens.ts: mintToken, testSecret). */
  authenticate?: Authenticator;
  routes?: readonly HttpRoute[];
  clock?: () => Date;
  /** Executor settings over the defaults, e.g. `{ script: { ...defaults.script, timeoutMs: 200 } }`. */
  executors?: Partial<ExecutorsConfig>;
  random?: () => number;
  trustedProxies?: string;
  delivery?: Partial<DeliverySettings>;
  /** Socket timeouts and the connection cap over the defaults (small ones make fault tests fast). */
  connections?: Partial<ConnectionLimits>;
  configCache?: ConfigCacheSettings;
  /** Fixed endpoints' settings over the defaults (nothing configured). */
  providers?: Partial<ProvidersConfig>;
  processes?: Partial<ProcessSettings>;
  /** Failure notifications over the defaults (none sent without a webhookUrl). */
  notify?: Partial<NotifySettings>;
  extraCommands?: readonly CommandDefinition[];
  startWorker?: boolean;
  /** METRICS_TOKEN and GRPC_REFLECTION. */
  operations?: OperationsConfig;
  /** Defaults to a silent logger. */
  log?: Logger;
  /** The console's files (default dist/console). */
  consoleDirectory?: string;
  /** This service's tracer (see test/helpers/test-tracing.ts); none: tracing off. */
  tracing?: Tracing;
  /** TRACE_URL_TEMPLATE, for the console's trace links. */
  traceUrlTemplate?: string;
}

/** The real service on a free port, over a test database. */
export async function startTestService(db: Knex, options: TestServiceOptions = {}): Promise<RunningService> {
  const service = composeService({
    config: {
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      executors: { ...defaultExecutors, ...options.executors },
      trustedProxies: options.trustedProxies ?? '',
      delivery: { ...defaultDeliverySettings, ...options.delivery },
      connections: { ...defaultConnectionLimits, ...options.connections },
      ...(options.configCache && { configCache: options.configCache }),
      providers: { ...defaultProvidersConfig, ...options.providers },
      ...(options.operations && { operations: options.operations }),
      processes: { ...defaultProcessSettings, ...options.processes },
      tracing: { ...loadConfig({}).tracing, traceUrlTemplate: options.traceUrlTemplate },
      notify: { ...defaultNotifySettings, ...options.notify },
    },
    db,
    log: options.log ?? silentLog,
    // Node's process metrics are the same for every service in a test process: skip their collectors.
    processMetrics: false,
    authenticate: options.authenticate ?? createTestAuthenticator(),
    ...(options.routes && { routes: options.routes }),
    ...(options.clock && { clock: options.clock }),
    ...(options.random && { random: options.random }),
    ...(options.extraCommands && { extraCommands: options.extraCommands }),
    ...(options.startWorker !== undefined && { startWorker: options.startWorker }),
    ...(options.consoleDirectory && { consoleDirectory: options.consoleDirectory }),
    ...(options.tracing && { tracing: options.tracing }),
  });
  const address = await service.server.listen(0, '127.0.0.1');
  return {
    ...service,
    port: address.port,
    baseUrl: `http://127.0.0.1:${address.port}`,
    adminToken: await mintAdminToken(),
    stop: () => service.close(1_000),
  };
}

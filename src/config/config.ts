import { z } from 'zod';
import { parseIpAllowList } from '../router/ip-allow-list.js';

/** Where the data lives: a PostgreSQL server, or embedded PGlite on disk or in memory. */
export type DatabaseConfig =
  | { readonly engine: 'postgres'; readonly url: string; readonly poolMax: number }
  | { readonly engine: 'pglite'; readonly dataDir: string | undefined };

/** The service's settings, parsed once from the environment; see README's configuration table. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly maxBodyBytes: number;
  readonly logLevel: LogLevel;
  /** Proxies whose X-Forwarded-For is believed: comma-separated addresses and CIDRs; empty trusts none. */
  readonly trustedProxies: string;
  readonly delivery: DeliverySettings;
}

/** How the inbox runs events: worker pool, leases, and the retry schedule. */
export interface DeliverySettings {
  /** Events one process runs at the same time. */
  readonly workerConcurrency: number;
  /** How often an idle worker looks for due events (it is also woken by local accepts). */
  readonly workerPollMs: number;
  /** How long a claimed event stays with its worker; after that another may take it. */
  readonly leaseMs: number;
  /** Attempts for a config that sets no `maxAttempts`. */
  readonly defaultMaxAttempts: number;
  /** Backoff: the first retry waits about this long, doubling per attempt, with jitter. */
  readonly retryBaseMs: number;
  /** Backoff ceiling. */
  readonly retryMaxMs: number;
}

export const defaultDeliverySettings: DeliverySettings = Object.freeze({
  workerConcurrency: 4,
  workerPollMs: 500,
  leaseMs: 60_000,
  defaultMaxAttempts: 8,
  retryBaseMs: 1_000,
  retryMaxMs: 3_600_000,
});

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const environmentSchema = z.object({
  PORT: integer(0, 65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|memory:\/\/$)/, 'must be postgres://..., postgresql://... or memory://')
    .optional(),
  DATABASE_POOL_MAX: integer(1, 1_000).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  MAX_BODY_BYTES: integer(1_024, 100 * 1024 * 1024).default(1024 * 1024),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine((text) => parseIpAllowList(text).invalid.length === 0, 'must be comma-separated IP addresses or CIDR ranges'),
  WORKER_CONCURRENCY: integer(0, 1_000).default(defaultDeliverySettings.workerConcurrency),
  WORKER_POLL_MS: integer(10, 60_000).default(defaultDeliverySettings.workerPollMs),
  LEASE_MS: integer(1_000, 3_600_000).default(defaultDeliverySettings.leaseMs),
  DEFAULT_MAX_ATTEMPTS: integer(1, 100).default(defaultDeliverySettings.defaultMaxAttempts),
  RETRY_BASE_MS: integer(1, 3_600_000).default(defaultDeliverySettings.retryBaseMs),
  RETRY_MAX_MS: integer(1, 86_400_000).default(defaultDeliverySettings.retryMaxMs),
});

/** Parses and validates the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    database: Object.freeze(toDatabaseConfig(e.DATABASE_URL, e.DATABASE_POOL_MAX, e.DATA_DIR)),
    maxBodyBytes: e.MAX_BODY_BYTES,
    logLevel: e.LOG_LEVEL,
    trustedProxies: e.TRUSTED_PROXIES,
    delivery: Object.freeze({
      workerConcurrency: e.WORKER_CONCURRENCY,
      workerPollMs: e.WORKER_POLL_MS,
      leaseMs: e.LEASE_MS,
      defaultMaxAttempts: e.DEFAULT_MAX_ATTEMPTS,
      retryBaseMs: e.RETRY_BASE_MS,
      retryMaxMs: e.RETRY_MAX_MS,
    }),
  });
}

function toDatabaseConfig(url: string | undefined, poolMax: number, dataDir: string): DatabaseConfig {
  if (url === undefined) return { engine: 'pglite', dataDir };
  if (url === 'memory://') return { engine: 'pglite', dataDir: undefined };
  return { engine: 'postgres', url, poolMax };
}

/** An exported-but-empty variable means "use the default", as in most shells' habits. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}

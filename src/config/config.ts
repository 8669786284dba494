import { z } from 'zod';
import { parseIpAllowList } from '../router/ip-allow-list.js';

/** Where the data lives: a PostgreSQL server, or embedded PGlite on disk or in memory. */
export type DatabaseConfig =
  | { readonly engine: 'postgres'; readonly url: string; readonly poolMax: number }
  | { readonly engine: 'pglite'; readonly dataDir: string | undefined };

/** Where bearer tokens' keys come from; `embedded` is the service's own Ed25519 key, kept in the store. */
export type AuthKeySource =
  | { readonly kind: 'embedded' }
  | { readonly kind: 'hs256'; readonly secret: string }
  | { readonly kind: 'public-key'; readonly file: string }
  | { readonly kind: 'jwks'; readonly url: string };

/** How management calls are authenticated. */
export interface AuthConfig {
  readonly key: AuthKeySource;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  readonly clockToleranceSeconds: number;
}

/** The service's settings, parsed once from the environment; see README's configuration table. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly maxBodyBytes: number;
  readonly logLevel: LogLevel;
  readonly auth: AuthConfig;
  readonly executors: ExecutorsConfig;
  /** Proxies whose X-Forwarded-For is believed: comma-separated addresses and CIDRs; empty trusts none. */
  readonly trustedProxies: string;
  readonly delivery: DeliverySettings;
  readonly processes: ProcessSettings;
}

/** How BPMN process instances run (PROCESS_*). */
export interface ProcessSettings {
  /** Activities an instance may end in all before it is stopped in ERROR (a cycle of automatic tasks). */
  readonly maxSteps: number;
  /** Bound on an instance's variables as JSON, in bytes. */
  readonly maxVariablesBytes: number;
  /** How long a Supervised start (or a sync StartProcess webhook) waits for the instance to complete, fail or wait. */
  readonly supervisedTimeoutMs: number;
  /** How long one service process owns an instance it advances before another may take it over. */
  readonly leaseMs: number;
  /** How often due timers and runs abandoned by a dead process are looked for. */
  readonly pollMs: number;
}

export const defaultProcessSettings: ProcessSettings = Object.freeze({
  maxSteps: 1_000,
  maxVariablesBytes: 256 * 1024,
  supervisedTimeoutMs: 30_000,
  leaseMs: 30_000,
  pollMs: 1_000,
});

/** Limits and wiring of the executors (native commands, chains, scripts). */
export interface ExecutorsConfig {
  /** Modules whose exported `commands` are registered at start (paths relative to the working directory). */
  readonly commandModules: readonly string[];
  /** Hosts (name, name:port, `*.domain`), IP addresses and CIDR ranges ForwardWebhookCommand may reach. */
  readonly forwardAllowedHosts: readonly string[];
  readonly forwardTimeoutMs: number;
  readonly script: ScriptLimits;
}

/** The script sandbox's service-wide limits; a config may only lower the timeout. */
export interface ScriptLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly poolSize: number;
  readonly maxLogLines: number;
  readonly maxLogLineChars: number;
  readonly maxResultBytes: number;
  readonly maxCommandCalls: number;
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

/** HS256 needs a key at least as long as its hash (RFC 7518, 3.2). */
export const minHs256SecretBytes = 32;

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const environmentSchema = z.object({
  PORT: integer(0, 65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|memory:\/\/$)/, 'must be postgres://..., postgresql://... or memory://')
    .optional(),
  DATABASE_POOL_MAX: integer(2, 1_000).default(10),
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
  COMMAND_MODULES: z.string().default(''),
  FORWARD_ALLOWED_HOSTS: z.string().default(''),
  FORWARD_TIMEOUT_MS: integer(1, 300_000).default(10_000),
  SCRIPT_TIMEOUT_MS: integer(1, 300_000).default(1_000),
  SCRIPT_MEMORY_MB: integer(8, 4_096).default(64),
  SCRIPT_POOL_SIZE: integer(1, 256).default(2),
  SCRIPT_MAX_LOG_LINES: integer(0, 100_000).default(100),
  SCRIPT_MAX_LOG_LINE_CHARS: integer(1, 1_000_000).default(2_000),
  SCRIPT_MAX_RESULT_BYTES: integer(1_024, 100 * 1024 * 1024).default(1024 * 1024),
  SCRIPT_MAX_COMMAND_CALLS: integer(0, 10_000).default(50),
  PROCESS_MAX_STEPS: integer(1, 1_000_000).default(defaultProcessSettings.maxSteps),
  PROCESS_MAX_VARIABLES_BYTES: integer(1_024, 64 * 1024 * 1024).default(defaultProcessSettings.maxVariablesBytes),
  PROCESS_SUPERVISED_TIMEOUT_MS: integer(1, 3_600_000).default(defaultProcessSettings.supervisedTimeoutMs),
  PROCESS_LEASE_MS: integer(1_000, 3_600_000).default(defaultProcessSettings.leaseMs),
  PROCESS_TIMER_POLL_MS: integer(10, 60_000).default(defaultProcessSettings.pollMs),
  // Bearer-token keys (at most one; none = the embedded Ed25519 key): see docs/auth.md.
  AUTH_HS256_SECRET: z
    .string()
    .refine((secret) => Buffer.byteLength(secret, 'utf8') >= minHs256SecretBytes, {
      message: `must be at least ${minHs256SecretBytes} bytes`,
    })
    .optional(),
  AUTH_PUBLIC_KEY_FILE: z.string().optional(),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  // Leeway for exp/nbf between this host's clock and the token issuer's.
  AUTH_CLOCK_TOLERANCE_SECONDS: integer(0, 600).default(30),
}).refine((e) => [e.AUTH_HS256_SECRET, e.AUTH_PUBLIC_KEY_FILE, e.AUTH_JWKS_URL].filter(Boolean).length <= 1, {
  message: 'set at most one of AUTH_HS256_SECRET, AUTH_PUBLIC_KEY_FILE and AUTH_JWKS_URL',
  path: ['AUTH_*'],
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
    auth: Object.freeze({
      key: Object.freeze(toAuthKeySource(e)),
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
    }),
    executors: Object.freeze({
      commandModules: Object.freeze(commaList(e.COMMAND_MODULES)),
      forwardAllowedHosts: Object.freeze(commaList(e.FORWARD_ALLOWED_HOSTS)),
      forwardTimeoutMs: e.FORWARD_TIMEOUT_MS,
      script: Object.freeze({
        timeoutMs: e.SCRIPT_TIMEOUT_MS,
        memoryMb: e.SCRIPT_MEMORY_MB,
        poolSize: e.SCRIPT_POOL_SIZE,
        maxLogLines: e.SCRIPT_MAX_LOG_LINES,
        maxLogLineChars: e.SCRIPT_MAX_LOG_LINE_CHARS,
        maxResultBytes: e.SCRIPT_MAX_RESULT_BYTES,
        maxCommandCalls: e.SCRIPT_MAX_COMMAND_CALLS,
      }),
    }),
    trustedProxies: e.TRUSTED_PROXIES,
    delivery: Object.freeze({
      workerConcurrency: e.WORKER_CONCURRENCY,
      workerPollMs: e.WORKER_POLL_MS,
      leaseMs: e.LEASE_MS,
      defaultMaxAttempts: e.DEFAULT_MAX_ATTEMPTS,
      retryBaseMs: e.RETRY_BASE_MS,
      retryMaxMs: e.RETRY_MAX_MS,
    }),
    processes: Object.freeze({
      maxSteps: e.PROCESS_MAX_STEPS,
      maxVariablesBytes: e.PROCESS_MAX_VARIABLES_BYTES,
      supervisedTimeoutMs: e.PROCESS_SUPERVISED_TIMEOUT_MS,
      leaseMs: e.PROCESS_LEASE_MS,
      pollMs: e.PROCESS_TIMER_POLL_MS,
    }),
  });
}

function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function toDatabaseConfig(url: string | undefined, poolMax: number, dataDir: string): DatabaseConfig {
  if (url === undefined) return { engine: 'pglite', dataDir };
  if (url === 'memory://') return { engine: 'pglite', dataDir: undefined };
  return { engine: 'postgres', url, poolMax };
}

function toAuthKeySource(e: {
  AUTH_HS256_SECRET?: string | undefined;
  AUTH_PUBLIC_KEY_FILE?: string | undefined;
  AUTH_JWKS_URL?: string | undefined;
}): AuthKeySource {
  if (e.AUTH_HS256_SECRET) return { kind: 'hs256', secret: e.AUTH_HS256_SECRET };
  if (e.AUTH_PUBLIC_KEY_FILE) return { kind: 'public-key', file: e.AUTH_PUBLIC_KEY_FILE };
  if (e.AUTH_JWKS_URL) return { kind: 'jwks', url: e.AUTH_JWKS_URL };
  return { kind: 'embedded' };
}

/** An exported-but-empty variable means "use the default", as in most shells' habits. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}

import { z } from 'zod';
import { parseIpAllowList } from '../router/ip-allow-list.js';
import { forwardHostEntryProblem } from './forward-host-entries.js';
import { notifyUrlProblem, notifyVariables, toNotifySettings, type NotifySettings } from './notify-config.js';

/** Where the data lives: a PostgreSQL server, or embedded PGlite on disk or in memory. */
export type DatabaseConfig =
  | {
      readonly engine: 'postgres';
      readonly url: string;
      readonly poolMax: number;
      /** Timeouts and keepalive of every connection; defaults when absent (see store/open-database.ts). */
      readonly connection?: PostgresConnectionSettings;
    }
  | { readonly engine: 'pglite'; readonly dataDir: string | undefined };

/** What every PostgreSQL connection is opened with; keeps a dead peer or a stuck statement from holding it. */
export interface PostgresConnectionSettings {
  /** `statement_timeout` of service connections. */
  readonly statementTimeoutMs: number;
  /** `idle_in_transaction_session_timeout` of service connections. */
  readonly idleInTransactionTimeoutMs: number;
  /** Both timeouts while migrating (a migration may rewrite a large table). */
  readonly migrationStatementTimeoutMs: number;
  /** TCP keepalive: first probe after this much idle time; 0 turns it off. */
  readonly keepAliveMs: number;
}

/** How fresh the in-memory configurations are kept (see delivery/config-cache.ts). */
export interface ConfigCacheSettings {
  /** No process serves a configuration older than this, even when a change notification is lost. */
  readonly maxStalenessMs: number;
  /** How often the LISTEN connection is probed; a probe unanswered this long reconnects it. */
  readonly listenHeartbeatMs: number;
}

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
  readonly connections: ConnectionLimits;
  readonly configCache: ConfigCacheSettings;
  readonly providers: ProvidersConfig;
  readonly operations: OperationsConfig;
  readonly processes: ProcessSettings;
  readonly tracing: TracingSettings;
  readonly notify: NotifySettings;
}

/** Traces (see tracing/create-tracing.ts): off unless an exporter or an OTLP endpoint is named. */
export interface TracingSettings {
  /** OTEL_TRACES_EXPORTER, else `otlp` when an OTLP endpoint is set, else `none` (off). */
  readonly exporter: 'otlp' | 'console' | 'none';
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
  readonly otlpTracesUrl: string;
  /**
   * OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else `http/json`: how spans
   * are encoded for the collector (protobuf is 2.5x smaller, for about the same CPU; see BENCHMARKS.md).
   */
  readonly otlpProtocol: 'http/protobuf' | 'http/json';
  /** OTEL_EXPORTER_OTLP_HEADERS (`name=value,...`, values URL-encoded): e.g. the collector's token. */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME: the `service.name` of every span. */
  readonly serviceName: string;
  /** TRACE_URL_TEMPLATE: where the console links a trace id, `{traceId}` replaced. */
  readonly traceUrlTemplate: string | undefined;
}

/** What operators' tools see: metrics and gRPC reflection. */
export interface OperationsConfig {
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  /** Serve gRPC server reflection (v1 and v1alpha). */
  readonly grpcReflection: boolean;
  /** Serve the console's source maps (`.map`); without it they are 404. */
  readonly consoleSourceMaps?: boolean;
}

/** How long a client may hold a connection at each stage, and how many it may hold at once. */
export interface ConnectionLimits {
  /** From accept to the first bytes that tell HTTP/1.1 from HTTP/2. */
  readonly firstByteTimeoutMs: number;
  /** HTTP/1.1: from a request's first byte to the end of its headers. */
  readonly headersTimeoutMs: number;
  /** From a request's first byte to the end of its body (HTTP/1.1 request, HTTP/2 stream). */
  readonly requestTimeoutMs: number;
  /** HTTP/1.1: an idle keep-alive connection between requests. */
  readonly keepAliveTimeoutMs: number;
  /** HTTP/2: a session with no open stream. */
  readonly h2IdleTimeoutMs: number;
  /** Open connections; the next one is closed at accept. */
  readonly maxConnections: number;
  /** HTTP/2: streams one session may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused. */
  readonly h2MaxConcurrentStreams: number;
  /** HTTP/1.1: requests one connection may have waiting for their answers (pipelined); more get 429 and a close. */
  readonly maxPipelinedRequests: number;
}

export const defaultConnectionLimits: ConnectionLimits = Object.freeze({
  firstByteTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  h2IdleTimeoutMs: 120_000,
  maxConnections: 10_000,
  h2MaxConcurrentStreams: 100,
  maxPipelinedRequests: 16,
});

/** The fixed provider endpoints' trust settings (docs/providers.md). */
export interface ProvidersConfig {
  /** Mono's shared secret; unset answers 503 on /api/webhooks/mono/callback. */
  readonly monoWebhookSecret: string | undefined;
  /** Addresses and CIDRs allowed to post Remita notifications; empty refuses everyone unless remitaAllowAnyIp. */
  readonly remitaAllowedIps: string;
  readonly remitaAllowAnyIp: boolean;
  /** When set, Remita notifications must carry it as the `token` query parameter. */
  readonly remitaNotificationToken: string | undefined;
}

/** Providers with nothing configured: Mono answers 503, Remita refuses every caller. */
export const defaultProvidersConfig: ProvidersConfig = Object.freeze({
  monoWebhookSecret: undefined,
  remitaAllowedIps: '',
  remitaAllowAnyIp: false,
  remitaNotificationToken: undefined,
});

/** How BPMN process instances run (PROCESS_*). */
export interface ProcessSettings {
  /** Activities an instance may end in all before it is stopped in ERROR (a cycle of automatic tasks). */
  readonly maxSteps: number;
  /** Engine messages one advance (a start, a signal, a timer...) may take before the instance is stopped in ERROR. */
  readonly maxAdvanceSteps: number;
  /** Bound on an instance's variables as JSON, in bytes. */
  readonly maxVariablesBytes: number;
  /** How long a Supervised start (or a sync StartProcess webhook) waits for the instance to complete, fail or wait. */
  readonly supervisedTimeoutMs: number;
  /** How long one service process owns an instance it advances before another may take it over. */
  readonly leaseMs: number;
  /** How often due timers and runs abandoned by a dead process are looked for. */
  readonly pollMs: number;
  /** The shortest interval a repeating timer runs at: a shorter cycle runs this often instead. */
  readonly minTimerCycleMs: number;
  /** How long the engine may work in one turn of the event loop before its next step waits for the next turn. */
  readonly engineSliceMs: number;
}

export const defaultProcessSettings: ProcessSettings = Object.freeze({
  maxSteps: 1_000,
  maxAdvanceSteps: 2_000,
  maxVariablesBytes: 256 * 1024,
  supervisedTimeoutMs: 30_000,
  leaseMs: 30_000,
  pollMs: 1_000,
  minTimerCycleMs: 1_000,
  engineSliceMs: 10,
});

/** Limits and wiring of the executors (native commands, chains, scripts). */
export interface ExecutorsConfig {
  /** Modules whose exported `commands` are registered at start (paths relative to the working directory). */
  readonly commandModules: readonly string[];
  /** Hosts (name, name:port, `*.domain`), IP addresses and CIDR ranges ForwardWebhookCommand may reach. */
  readonly forwardAllowedHosts: readonly string[];
  readonly forwardTimeoutMs: number;
  readonly script: ScriptLimits;
  /** EXECUTOR_URL: webhook executions go to this executor process over Connect; unset runs them in this process. */
  readonly url: string | undefined;
  /** EXECUTOR_TOKEN: the bearer secret between the service and its executor process (both sides). */
  readonly token: string | undefined;
}

/** The script sandbox's service-wide limits; a config may only lower the timeout. */
export interface ScriptLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly poolSize: number;
  /** Script host processes (SCRIPT_HOSTS); the pool's isolates are spread over them. */
  readonly hosts: number;
  readonly maxLogLines: number;
  readonly maxLogLineChars: number;
  readonly maxResultBytes: number;
  readonly maxCommandCalls: number;
}

/** How the inbox runs events: worker pool, leases, and the retry schedule. */
export interface DeliverySettings {
  /** Events one process runs at the same time; a claim takes as many as there are free slots, in one statement. */
  readonly workerConcurrency: number;
  /** How often an idle worker looks for due events: retries coming due, and a safety net, since accepts wake it at once. */
  readonly workerPollMs: number;
  /** How long a claimed event stays with its worker; after that another may take it. */
  readonly leaseMs: number;
  /** Attempts for a config that sets no `maxAttempts`. */
  readonly defaultMaxAttempts: number;
  /** Backoff: the first retry waits about this long, doubling per attempt, with jitter. */
  readonly retryBaseMs: number;
  /** Backoff ceiling. */
  readonly retryMaxMs: number;
  /** Refused (401/403) requests stored as events per configuration per minute; the rest are only counted. */
  readonly refusedStoredPerMinute: number;
  /** Weeks of the event log wholly older than this many days are dropped; 0 keeps them forever. */
  readonly eventRetentionDays: number;
}

export const defaultDeliverySettings: DeliverySettings = Object.freeze({
  workerConcurrency: 32,
  workerPollMs: 500,
  leaseMs: 60_000,
  defaultMaxAttempts: 8,
  retryBaseMs: 1_000,
  retryMaxMs: 3_600_000,
  refusedStoredPerMinute: 10,
  eventRetentionDays: 90,
});

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** HS256 needs a key at least as long as its hash (RFC 7518, 3.2). */
export const minHs256SecretBytes = 32;

/** Words of a sample value left in place (compose's and the docs' examples): such a secret is public. */
const placeholder = /change[-_ ]?me|replace[-_ ]?me|placeholder|your[-_ ]?secret/i;
const isNotPlaceholder = (secret: string) => !placeholder.test(secret);
const placeholderMessage = 'is a placeholder, not a secret: generate one (openssl rand -hex 32)';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** OTLP over HTTP only: `grpc` is refused rather than sent as something else. */
const otlpProtocol = z.enum(['http/protobuf', 'http/json']);

const environmentSchema = z
  .object({
    PORT: integer(0, 65_535).default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^(postgres(ql)?:\/\/|memory:\/\/$)/, 'must be postgres://..., postgresql://... or memory://')
      .optional(),
    DATABASE_POOL_MAX: integer(2, 1_000).default(10),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_STATEMENT_TIMEOUT_MS: integer(100, 3_600_000).default(30_000),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: integer(100, 3_600_000).default(60_000),
    DATABASE_MIGRATION_TIMEOUT_MS: integer(1_000, 86_400_000).default(600_000),
    DATABASE_KEEPALIVE_MS: integer(0, 3_600_000).default(10_000),
    CONFIG_MAX_STALENESS_MS: integer(100, 3_600_000).default(5_000),
    CONFIG_LISTEN_HEARTBEAT_MS: integer(100, 3_600_000).default(10_000),
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
    FIRST_BYTE_TIMEOUT_MS: integer(100, 600_000).default(defaultConnectionLimits.firstByteTimeoutMs),
    HEADERS_TIMEOUT_MS: integer(100, 600_000).default(defaultConnectionLimits.headersTimeoutMs),
    REQUEST_TIMEOUT_MS: integer(100, 3_600_000).default(defaultConnectionLimits.requestTimeoutMs),
    KEEP_ALIVE_TIMEOUT_MS: integer(100, 3_600_000).default(defaultConnectionLimits.keepAliveTimeoutMs),
    H2_IDLE_TIMEOUT_MS: integer(100, 86_400_000).default(defaultConnectionLimits.h2IdleTimeoutMs),
    MAX_CONNECTIONS: integer(1, 1_000_000).default(defaultConnectionLimits.maxConnections),
    H2_MAX_CONCURRENT_STREAMS: integer(1, 10_000).default(defaultConnectionLimits.h2MaxConcurrentStreams),
    MAX_PIPELINED_REQUESTS: integer(1, 1_000).default(defaultConnectionLimits.maxPipelinedRequests),
    REFUSED_STORED_PER_MINUTE: integer(0, 100_000).default(defaultDeliverySettings.refusedStoredPerMinute),
    EVENT_RETENTION_DAYS: integer(0, 36_500).default(defaultDeliverySettings.eventRetentionDays),
    COMMAND_MODULES: z.string().default(''),
    FORWARD_ALLOWED_HOSTS: z
      .string()
      .default('')
      .superRefine((text, context) => {
        for (const problem of commaList(text).map(forwardHostEntryProblem).filter(Boolean))
          context.addIssue({ code: 'custom', message: problem! });
      }),
    FORWARD_TIMEOUT_MS: integer(1, 300_000).default(10_000),
    SCRIPT_TIMEOUT_MS: integer(1, 300_000).default(1_000),
    SCRIPT_MEMORY_MB: integer(8, 4_096).default(64),
    SCRIPT_POOL_SIZE: integer(1, 256).default(2),
    SCRIPT_HOSTS: integer(1, 64).default(2),
    SCRIPT_MAX_LOG_LINES: integer(0, 100_000).default(100),
    SCRIPT_MAX_LOG_LINE_CHARS: integer(1, 1_000_000).default(2_000),
    SCRIPT_MAX_RESULT_BYTES: integer(1_024, 100 * 1024 * 1024).default(1024 * 1024),
    SCRIPT_MAX_COMMAND_CALLS: integer(0, 10_000).default(50),
    EXECUTOR_URL: z.url({ protocol: /^https?$/ }).optional(),
    EXECUTOR_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    MONO_WEBHOOK_SECRET: z.string().optional(),
    REMITA_ALLOWED_IPS: z
      .string()
      .default('')
      .refine((text) => parseIpAllowList(text).invalid.length === 0, 'must be comma-separated IP addresses or CIDR ranges'),
    REMITA_ALLOW_ANY_IP: z.enum(['true', 'false']).default('false'),
    REMITA_NOTIFICATION_TOKEN: z.string().optional(),
    PROCESS_MAX_STEPS: integer(1, 1_000_000).default(defaultProcessSettings.maxSteps),
    PROCESS_MAX_ADVANCE_STEPS: integer(100, 1_000_000).default(defaultProcessSettings.maxAdvanceSteps),
    PROCESS_ENGINE_SLICE_MS: integer(0, 1_000).default(defaultProcessSettings.engineSliceMs),
    PROCESS_MAX_VARIABLES_BYTES: integer(1_024, 64 * 1024 * 1024).default(defaultProcessSettings.maxVariablesBytes),
    PROCESS_SUPERVISED_TIMEOUT_MS: integer(1, 3_600_000).default(defaultProcessSettings.supervisedTimeoutMs),
    PROCESS_LEASE_MS: integer(1_000, 3_600_000).default(defaultProcessSettings.leaseMs),
    PROCESS_TIMER_POLL_MS: integer(10, 60_000).default(defaultProcessSettings.pollMs),
    PROCESS_MIN_TIMER_CYCLE_MS: integer(1, 86_400_000).default(defaultProcessSettings.minTimerCycleMs),
    // Bearer-token keys (at most one; none = the embedded Ed25519 key): see docs/auth.md.
    AUTH_HS256_SECRET: z
      .string()
      .refine((secret) => Buffer.byteLength(secret, 'utf8') >= minHs256SecretBytes, {
        message: `must be at least ${minHs256SecretBytes} bytes`,
      })
      .refine(isNotPlaceholder, placeholderMessage)
      .optional(),
    AUTH_PUBLIC_KEY_FILE: z.string().optional(),
    AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    AUTH_ISSUER: z.string().optional(),
    AUTH_AUDIENCE: z.string().optional(),
    // Leeway for exp/nbf/iat between this host's clock and the token issuer's.
    AUTH_CLOCK_TOLERANCE_SECONDS: integer(0, 600).default(30),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').refine(isNotPlaceholder, placeholderMessage).optional(),
    GRPC_REFLECTION: z.enum(['true', 'false']).default('true'),
    CONSOLE_SOURCE_MAPS: z.enum(['true', 'false']).default('false'),
    // OpenTelemetry's own variables, with their standard meaning (see docs/operations.md, Traces).
    OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
    OTEL_EXPORTER_OTLP_HEADERS: z
      .string()
      .refine((text) => parseOtlpHeaders(text) !== undefined, 'must be comma-separated name=value pairs')
      .optional(),
    OTEL_SERVICE_NAME: z.string().max(200).default('bpm-webhooks'),
    TRACE_URL_TEMPLATE: z
      .url({ protocol: /^https?$/ })
      .refine((url) => url.includes('{traceId}'), 'must contain {traceId}')
      .optional(),
    ...notifyVariables,
  })
  .refine((e) => e.HEADERS_TIMEOUT_MS <= e.REQUEST_TIMEOUT_MS, {
    message: 'must not exceed REQUEST_TIMEOUT_MS',
    path: ['HEADERS_TIMEOUT_MS'],
  })
  .refine((e) => [e.AUTH_HS256_SECRET, e.AUTH_PUBLIC_KEY_FILE, e.AUTH_JWKS_URL].filter(Boolean).length <= 1, {
    message: 'set at most one of AUTH_HS256_SECRET, AUTH_PUBLIC_KEY_FILE and AUTH_JWKS_URL',
    path: ['AUTH_*'],
  })
  .superRefine((e, context) => {
    const problem = notifyUrlProblem(e.NOTIFY_WEBHOOK_URL, commaList(e.FORWARD_ALLOWED_HOSTS));
    if (problem) context.addIssue({ code: 'custom', message: problem, path: ['NOTIFY_WEBHOOK_URL'] });
  });

/** Every environment variable the service reads (README's configuration table lists each one). */
export const configVariableNames: readonly string[] = Object.freeze(Object.keys(environmentSchema.shape));

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
    database: Object.freeze(toDatabaseConfig(e)),
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
        hosts: e.SCRIPT_HOSTS,
        maxLogLines: e.SCRIPT_MAX_LOG_LINES,
        maxLogLineChars: e.SCRIPT_MAX_LOG_LINE_CHARS,
        maxResultBytes: e.SCRIPT_MAX_RESULT_BYTES,
        maxCommandCalls: e.SCRIPT_MAX_COMMAND_CALLS,
      }),
      url: e.EXECUTOR_URL,
      token: e.EXECUTOR_TOKEN,
    }),
    trustedProxies: e.TRUSTED_PROXIES,
    delivery: Object.freeze({
      workerConcurrency: e.WORKER_CONCURRENCY,
      workerPollMs: e.WORKER_POLL_MS,
      leaseMs: e.LEASE_MS,
      defaultMaxAttempts: e.DEFAULT_MAX_ATTEMPTS,
      retryBaseMs: e.RETRY_BASE_MS,
      retryMaxMs: e.RETRY_MAX_MS,
      refusedStoredPerMinute: e.REFUSED_STORED_PER_MINUTE,
      eventRetentionDays: e.EVENT_RETENTION_DAYS,
    }),
    connections: Object.freeze({
      firstByteTimeoutMs: e.FIRST_BYTE_TIMEOUT_MS,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      h2IdleTimeoutMs: e.H2_IDLE_TIMEOUT_MS,
      maxConnections: e.MAX_CONNECTIONS,
      h2MaxConcurrentStreams: e.H2_MAX_CONCURRENT_STREAMS,
      maxPipelinedRequests: e.MAX_PIPELINED_REQUESTS,
    }),
    configCache: Object.freeze({ maxStalenessMs: e.CONFIG_MAX_STALENESS_MS, listenHeartbeatMs: e.CONFIG_LISTEN_HEARTBEAT_MS }),
    providers: Object.freeze({
      monoWebhookSecret: e.MONO_WEBHOOK_SECRET,
      remitaAllowedIps: e.REMITA_ALLOWED_IPS,
      remitaAllowAnyIp: e.REMITA_ALLOW_ANY_IP === 'true',
      remitaNotificationToken: e.REMITA_NOTIFICATION_TOKEN,
    }),
    operations: Object.freeze({
      metricsToken: e.METRICS_TOKEN,
      grpcReflection: e.GRPC_REFLECTION === 'true',
      consoleSourceMaps: e.CONSOLE_SOURCE_MAPS === 'true',
    }),
    tracing: Object.freeze(toTracingSettings(e)),
    processes: Object.freeze({
      maxSteps: e.PROCESS_MAX_STEPS,
      maxAdvanceSteps: e.PROCESS_MAX_ADVANCE_STEPS,
      maxVariablesBytes: e.PROCESS_MAX_VARIABLES_BYTES,
      supervisedTimeoutMs: e.PROCESS_SUPERVISED_TIMEOUT_MS,
      leaseMs: e.PROCESS_LEASE_MS,
      pollMs: e.PROCESS_TIMER_POLL_MS,
      minTimerCycleMs: e.PROCESS_MIN_TIMER_CYCLE_MS,
      engineSliceMs: e.PROCESS_ENGINE_SLICE_MS,
    }),
    notify: toNotifySettings(e),
  });
}

function toTracingSettings(e: z.infer<typeof environmentSchema>): TracingSettings {
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const otlpTracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : 'http://localhost:4318/v1/traces');
  const endpointSet = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined || base !== undefined;
  return {
    exporter: e.OTEL_TRACES_EXPORTER ?? (endpointSet ? 'otlp' : 'none'),
    otlpTracesUrl,
    otlpProtocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/json',
    otlpHeaders: Object.freeze(parseOtlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS ?? '') ?? {}),
    serviceName: e.OTEL_SERVICE_NAME,
    traceUrlTemplate: e.TRACE_URL_TEMPLATE,
  };
}

/** `name=value,name2=value2` (the W3C baggage-like list OTEL_EXPORTER_OTLP_HEADERS uses); undefined when malformed. */
function parseOtlpHeaders(text: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const pair of commaList(text)) {
    const at = pair.indexOf('=');
    if (at <= 0) return undefined;
    try {
      headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return undefined;
    }
  }
  return headers;
}

function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function toDatabaseConfig(e: z.infer<typeof environmentSchema>): DatabaseConfig {
  if (e.DATABASE_URL === undefined) return { engine: 'pglite', dataDir: e.DATA_DIR };
  if (e.DATABASE_URL === 'memory://') return { engine: 'pglite', dataDir: undefined };
  const connection = Object.freeze({
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    migrationStatementTimeoutMs: e.DATABASE_MIGRATION_TIMEOUT_MS,
    keepAliveMs: e.DATABASE_KEEPALIVE_MS,
  });
  return { engine: 'postgres', url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, connection };
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

import { z } from 'zod';

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
}

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

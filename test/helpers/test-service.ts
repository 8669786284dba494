import { pino } from 'pino';
import type { Knex } from 'knex';
import type { CommandDefinition } from '../../src/commands/command.js';
import type { Authenticator } from '../../src/auth/authenticator.js';
import { composeService, type Service } from '../../src/compose.js';
import { loadConfig, type ExecutorsConfig } from '../../src/config/config.js';

export interface RunningService extends Service {
  readonly baseUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** The executor settings of an empty environment. */
export const defaultExecutors: ExecutorsConfig = loadConfig({}).executors;

export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The real service on a free port, over a test database. */
export async function startTestService(
  db: Knex,
  options: {
    maxBodyBytes?: number;
    authenticate?: Authenticator;
    clock?: () => Date;
    /** Executor settings over the defaults, e.g. `{ script: { ...defaults.script, timeoutMs: 200 } }`. */
    executors?: Partial<ExecutorsConfig>;
    moduleCommands?: readonly CommandDefinition[];
  } = {},
): Promise<RunningService> {
  const service = composeService({
    config: {
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      executors: { ...defaultExecutors, ...options.executors },
    },
    db,
    log: silentLog,
    ...(options.authenticate && { authenticate: options.authenticate }),
    ...(options.clock && { clock: options.clock }),
    ...(options.moduleCommands && { moduleCommands: options.moduleCommands }),
  });
  const address = await service.server.listen(0, '127.0.0.1');
  return {
    ...service,
    port: address.port,
    baseUrl: `http://127.0.0.1:${address.port}`,
    stop: () => service.close(1_000),
  };
}

import { pino } from 'pino';
import type { Knex } from 'knex';
import type { Authenticator } from '../../src/auth/authenticator.js';
import type { CommandDefinition } from '../../src/commands/command.js';
import { composeService, type Service } from '../../src/compose.js';
import { defaultDeliverySettings, type DeliverySettings } from '../../src/config/config.js';

export interface RunningService extends Service {
  readonly baseUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface TestServiceOptions {
  maxBodyBytes?: number;
  authenticate?: Authenticator;
  clock?: () => Date;
  random?: () => number;
  trustedProxies?: string;
  delivery?: Partial<DeliverySettings>;
  extraCommands?: readonly CommandDefinition[];
  startWorker?: boolean;
}

/** The real service on a free port, over a test database. */
export async function startTestService(db: Knex, options: TestServiceOptions = {}): Promise<RunningService> {
  const service = composeService({
    config: {
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      trustedProxies: options.trustedProxies ?? '',
      delivery: { ...defaultDeliverySettings, ...options.delivery },
    },
    db,
    log: silentLog,
    ...(options.authenticate && { authenticate: options.authenticate }),
    ...(options.clock && { clock: options.clock }),
    ...(options.random && { random: options.random }),
    ...(options.extraCommands && { extraCommands: options.extraCommands }),
    ...(options.startWorker !== undefined && { startWorker: options.startWorker }),
  });
  const address = await service.server.listen(0, '127.0.0.1');
  return {
    ...service,
    port: address.port,
    baseUrl: `http://127.0.0.1:${address.port}`,
    stop: () => service.close(1_000),
  };
}

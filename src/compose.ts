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
import type { Config } from './config/config.js';
import { createExecutorCatalog } from './executors/executor-catalog.js';
import { createInProcessExecutionClient, disposeExecutors } from './executors/execution-service.js';
import { createServer, type AppServer } from './server.js';
import type { HttpRoute } from './transport/http/http-types.js';
import { isDatabaseReady } from './store/migrate.js';

export interface ServiceOptions {
  readonly config: Pick<Config, 'maxBodyBytes' | 'executors'>;
  /** An open, migrated database. */
  readonly db: Knex;
  readonly log: Logger;
  readonly clock?: () => Date;
  /** Verifies every management call's bearer token: built from config by main.ts (see auth/create-auth.ts). */
  readonly authenticate: Authenticator;
  /** Further plain endpoints, e.g. the JWKS. */
  readonly routes?: readonly HttpRoute[];
  /** Commands loaded from COMMAND_MODULES (see loadCommandModules). */
  readonly moduleCommands?: readonly CommandDefinition[];
}

export interface Service {
  readonly bus: CommandBus;
  /** The internal ExecutionService, called in-process. */
  readonly execution: Client<typeof ExecutionService>;
  readonly server: AppServer;
  /** Stops the server, then releases the executors. The database belongs to the caller. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Wires the service from its parts: commands with their interceptors, then the transports. Used by
 * main.ts and by the end-to-end tests, so both run the same thing.
 */
export function composeService(options: ServiceOptions): Service {
  const bus = createCommandBus({
    commands: [
      ...Object.values(builtInCommands),
      ...Object.values(
        createConfiguredCommands({
          forward: {
            allowedHosts: options.config.executors.forwardAllowedHosts,
            timeoutMs: options.config.executors.forwardTimeoutMs,
          },
        }),
      ),
      ...(options.moduleCommands ?? []),
    ],
    // Outermost first: failures are logged and normalised; only authorised calls reach the audit,
    // which records the writes that succeed.
    interceptors: [logOutcome, authorize, audit],
    db: options.db,
    clock: options.clock ?? (() => new Date()),
    log: options.log,
  });
  const server = createServer({
    bus,
    authenticate: options.authenticate,
    ...(options.routes && { routes: options.routes }),
    log: options.log,
    maxBodyBytes: options.config.maxBodyBytes,
    isReady: () => isDatabaseReady(options.db),
  });
  const executors = createExecutorCatalog(bus, {
    script: options.config.executors.script,
    ...(options.clock && { clock: options.clock }),
  });
  return {
    bus,
    execution: createInProcessExecutionClient(executors),
    server,
    async close(graceMs) {
      await server.close(graceMs);
      await disposeExecutors(executors);
    },
  };
}

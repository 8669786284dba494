import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { loadCommandModules } from './commands/modules/load-command-modules.js';
import { composeExecutors } from './compose-executors.js';
import { loadConfig } from './config/config.js';
import { createExecutionRunner } from './executors/execution-service.js';
import { createExecutorServer } from './executors/executor-server.js';
import { logScriptHostEvent } from './executors/script/log-script-host-event.js';
import { openMigratedDatabase } from './store/migrate.js';
import { createTracing } from './tracing/create-tracing.js';

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * `bpm-webhooks executors`: the executors as a process of their own, serving the ExecutionService
 * on PORT/HOST for services started with EXECUTOR_URL. Same settings as the service (database,
 * COMMAND_MODULES, FORWARD_*, SCRIPT_*, PROCESS_*): commands, scripts and processes run here, on the
 * service's PostgreSQL database. With the same OTEL_* settings its spans (a server span per call, the
 * execution's work inside) join the service's traces, as `<OTEL_SERVICE_NAME>-executors`.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, base: { service: 'bpm-webhooks-executors' } });
  if (config.database.engine !== 'postgres') {
    throw new Error('The executor process needs DATABASE_URL=postgres://... (the PostgreSQL database its service uses)');
  }
  if (!config.executors.token && !loopback.has(config.host)) {
    throw new Error(`EXECUTOR_TOKEN is required to listen on HOST=${config.host}: whoever reaches this port runs code`);
  }
  const moduleCommands = await loadCommandModules(config.executors.commandModules);
  const db = await openMigratedDatabase(config.database);
  const tracing = await createTracing({ ...config.tracing, serviceName: `${config.tracing.serviceName}-executors` });
  const composed = composeExecutors({
    config,
    db,
    log,
    workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    extraCommands: moduleCommands,
    onHostEvent: logScriptHostEvent(log),
    tracing,
  });
  const server = createExecutorServer(createExecutionRunner(composed.executors), config.executors.token, tracing);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address() as AddressInfo;
  log.info({ port: address.port, host: address.address, traces: config.tracing.exporter }, 'listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Calls still running end with their streams: each service fails or retries those attempts.
    server.close();
    await composed.close();
    await db.destroy();
    await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'traces could not be flushed'));
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import { pino } from 'pino';
import { createAuth } from './auth/create-auth.js';
import { signingKeyFilePath } from './auth/signing-key-file.js';
import { loadConfig } from './config/config.js';
import { loadCommandModules } from './commands/modules/load-command-modules.js';
import { composeService } from './compose.js';
import { findUnrunnableConfigs } from './commands/webhook-configs/find-unrunnable-configs.js';
import { openMigratedDatabase } from './store/migrate.js';
import { createTracing } from './tracing/create-tracing.js';

/** The composition root: config, command modules, store, commands, server; listens; shuts down on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, base: { service: 'bpm-webhooks' } });
  const tracing = await createTracing(config.tracing);
  const moduleCommands = await loadCommandModules(config.executors.commandModules);
  const db = await openMigratedDatabase(config.database);
  const auth = await createAuth(config.auth, {
    db,
    log,
    keyFile:
      config.database.engine === 'pglite' && config.database.dataDir ? signingKeyFilePath(config.database.dataDir) : undefined,
  });
  const service = composeService({
    config,
    db,
    log,
    authenticate: auth.authenticate,
    routes: auth.routes,
    extraCommands: moduleCommands,
    tracing,
  });
  const unrunnable = await findUnrunnableConfigs({ db, commands: service.bus });
  if (unrunnable.length > 0)
    log.warn(
      { unrunnableConfigs: unrunnable },
      `${unrunnable.length} enabled configuration(s) cannot run until fixed (also listed by GET /readyz): ${unrunnable.map((c) => c.key).join(', ')}`,
    );
  const address = await service.server.listen(config.port, config.host);
  log.info(
    {
      port: address.port,
      host: address.address,
      database: config.database.engine,
      auth: config.auth.key.kind,
      traces: config.tracing.exporter,
    },
    'listening',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await service.close();
    await db.destroy();
    // The last spans (the shutdown's own attempts) are exported before the exit.
    await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'traces could not be flushed'));
    log.info('stopped');
    // Exit now rather than when the last handle closes: an execution still running past the grace
    // period has had its event handed back to the queue, and must not go on beside its next run.
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

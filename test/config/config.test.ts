import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

describe('configuration', () => {
  it('has documented defaults: port 8080, embedded PGlite in ./data, 1 MiB bodies', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      database: { engine: 'pglite', dataDir: './data' },
      maxBodyBytes: 1_048_576,
      logLevel: 'info',
    });
  });

  it('reads PostgreSQL and in-memory URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', DATABASE_POOL_MAX: '4' }).database).toEqual({
      engine: 'postgres',
      url: 'postgres://u@h/db',
      poolMax: 4,
      connection: {
        statementTimeoutMs: 30_000,
        idleInTransactionTimeoutMs: 60_000,
        migrationStatementTimeoutMs: 600_000,
        keepAliveMs: 10_000,
      },
    });
    expect(loadConfig({ DATABASE_URL: 'memory://' }).database).toEqual({ engine: 'pglite', dataDir: undefined });
  });

  it('needs two PostgreSQL connections at least: one holds the migration lock while another migrates', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', DATABASE_POOL_MAX: '1' })).toThrow(/DATABASE_POOL_MAX: /);
  });

  it("bounds every PostgreSQL connection and the configurations' staleness, with documented defaults", () => {
    expect(loadConfig({}).configCache).toEqual({ maxStalenessMs: 5_000, listenHeartbeatMs: 10_000 });
    const tuned = loadConfig({
      DATABASE_URL: 'postgres://u@h/db',
      DATABASE_STATEMENT_TIMEOUT_MS: '5000',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '7000',
      DATABASE_MIGRATION_TIMEOUT_MS: '900000',
      DATABASE_KEEPALIVE_MS: '0',
      CONFIG_MAX_STALENESS_MS: '2000',
      CONFIG_LISTEN_HEARTBEAT_MS: '1000',
    });
    expect(tuned.database).toMatchObject({
      connection: {
        statementTimeoutMs: 5_000,
        idleInTransactionTimeoutMs: 7_000,
        migrationStatementTimeoutMs: 900_000,
        keepAliveMs: 0,
      },
    });
    expect(tuned.configCache).toEqual({ maxStalenessMs: 2_000, listenHeartbeatMs: 1_000 });
    expect(() => loadConfig({ CONFIG_MAX_STALENESS_MS: '10' })).toThrow(/CONFIG_MAX_STALENESS_MS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
  });

  it('fails at once, naming every bad variable', () => {
    expect(() => loadConfig({ PORT: '70000', MAX_BODY_BYTES: 'lots', DATABASE_URL: 'mysql://x' })).toThrow(
      /PORT: .*; DATABASE_URL: .*; MAX_BODY_BYTES: /,
    );
  });

  it('is frozen', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});

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
    });
    expect(loadConfig({ DATABASE_URL: 'memory://' }).database).toEqual({ engine: 'pglite', dataDir: undefined });
  });

  it('needs two PostgreSQL connections at least: one holds the migration lock while another migrates', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', DATABASE_POOL_MAX: '1' })).toThrow(/DATABASE_POOL_MAX: /);
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

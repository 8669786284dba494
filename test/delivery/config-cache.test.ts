import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfigCache } from '../../src/delivery/config-cache.js';
import { insertWebhookConfig, setWebhookConfigEnabled, updateWebhookConfig } from '../../src/store/webhook-configs.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { silentLog } from '../helpers/silent-log.js';
import { echoConfigFields } from '../helpers/store-fixtures.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const fields = echoConfigFields('invoices');

describe.each(engines)('config cache on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());

  it('finds a configuration by id only at the version it holds, enabled or not', async () => {
    const cache = createConfigCache(database.db, silentLog);
    try {
      const config = await insertWebhookConfig(database.db, fields, now);
      expect(await cache.find(config.id, 1)).toMatchObject({ id: config.id, version: 1 });
      expect(await cache.find(config.id, 2)).toBeUndefined();

      await setWebhookConfigEnabled(database.db, config.id, false, now);
      await updateWebhookConfig(database.db, config.id, { ...fields, isEnabled: false, description: 'off' }, now);
      cache.invalidate();
      expect(await cache.find(config.id, 1)).toBeUndefined();
      expect(await cache.find(config.id, 3)).toMatchObject({ isEnabled: false, description: 'off' });
    } finally {
      await cache.close();
    }
  });
});

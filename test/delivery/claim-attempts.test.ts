import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimAttempts } from '../../src/delivery/claim-attempts.js';
import type { WebhookConfig } from '../../src/domain/webhook-config.js';
import { insertWebhookConfig, updateWebhookConfig } from '../../src/store/webhook-configs.js';
import { insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { echoConfigFields, queuedEvent } from '../helpers/store-fixtures.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const fields = echoConfigFields('orders');

describe.each(engines)('claiming attempts on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  const queue = (config: WebhookConfig) =>
    insertWebhookEvent(database.db, queuedEvent(config.key, now, { configId: config.id, configVersion: config.version }));

  it('takes a configuration from the cache when it holds the version the claim names, else from the store', async () => {
    const first = await insertWebhookConfig(database.db, fields, now);
    await queue(first);
    const cached = { ...first, description: 'from the cache' };
    const deps = (find: (id: number, version: number) => Promise<WebhookConfig | undefined>) => ({
      db: database.db,
      clock: () => now,
      workerId: 'host:1',
      leaseMs: 60_000,
      configs: { find },
    });
    const asked: [number, number][] = [];
    const [fromCache] = await claimAttempts(
      deps(async (id, version) => {
        asked.push([id, version]);
        return id === cached.id && version === cached.version ? cached : undefined;
      }),
      10,
    );
    expect(asked).toEqual([[first.id, 1]]);
    expect((await fromCache!.opened).config?.description).toBe('from the cache');

    // Changed elsewhere a moment ago: the cache does not hold version 2 yet.
    const second = await updateWebhookConfig(database.db, first.id, { ...fields, description: 'version 2' }, now);
    await queue(second!);
    const [fromStore] = await claimAttempts(
      deps(async () => undefined),
      10,
    );
    expect((await fromStore!.opened).config).toMatchObject({ id: first.id, version: 2, description: 'version 2' });
  });
});

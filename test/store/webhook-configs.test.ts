import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookConfigFields } from '../../src/domain/webhook-config.js';
import { isUniqueViolation } from '../../src/store/unique-violation.js';
import {
  deleteWebhookConfig,
  findEnabledRouteOwner,
  findWebhookConfigById,
  findWebhookConfigByKey,
  insertWebhookConfig,
  keyUniqueIndex,
  listWebhookConfigs,
  routeUniqueIndex,
  setWebhookConfigEnabled,
  updateWebhookConfig,
} from '../../src/store/webhook-configs.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';

const fields: WebhookConfigFields = {
  key: 'Mono-Callback',
  description: 'Mono account events',
  isEnabled: true,
  path: '/Mono//Callback/',
  action: 'POST',
  target: { case: 'chain', steps: [{ commandName: 'EchoCommand', parameters: { nested: { list: [1, 'two', null] } } }] },
  allowableIps: '10.0.0.0/8',
  responseMode: 'async',
  timeoutMs: 500,
  maxAttempts: 3,
  idempotencyKey: 'body:/event_id',
  orderingKey: 'body:/data/mandateRef',
  maxConcurrency: 5,
  maxPerSecond: 50,
  verification: {
    scheme: 'hmac-sha512',
    secrets: ['s1', 's2'],
    header: 'x-mono-signature',
    prefix: '',
    encoding: 'hex',
    toleranceSeconds: null,
  },
};
const now = new Date('2026-11-28T12:00:00.000Z');

describe.each(engines)('webhook config store on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  it('round-trips every field, with ids and timestamps as numbers and Dates on both engines', async () => {
    const inserted = await insertWebhookConfig(database.db, fields, now);
    expect(inserted).toMatchObject({ ...fields, id: 1, normalizedPath: 'mono/callback', version: 1 });
    expect(inserted.createdAt).toEqual(now);
    expect(inserted.activatedAt).toEqual(now);
    expect(await findWebhookConfigById(database.db, inserted.id)).toEqual(inserted);
    expect(await findWebhookConfigByKey(database.db, 'MONO-CALLBACK')).toEqual(inserted);
  });

  it('enforces unique keys case-insensitively and one enabled owner per route', async () => {
    await insertWebhookConfig(database.db, fields, now);
    const sameKey = insertWebhookConfig(database.db, { ...fields, key: 'mono-callback', path: 'x' }, now);
    await expect(sameKey).rejects.toSatisfy((error) => isUniqueViolation(error, keyUniqueIndex));
    const sameRoute = insertWebhookConfig(database.db, { ...fields, key: 'other', path: 'mono/callback' }, now);
    await expect(sameRoute).rejects.toSatisfy((error) => isUniqueViolation(error, routeUniqueIndex));
    const disabled = await insertWebhookConfig(database.db, { ...fields, key: 'other', isEnabled: false }, now);
    expect(disabled.activatedAt).toBeNull();
    expect(await findEnabledRouteOwner(database.db, { normalizedPath: 'mono/callback', action: 'POST' })).toMatchObject({
      key: 'Mono-Callback',
    });
    expect(
      await findEnabledRouteOwner(database.db, { normalizedPath: 'mono/callback', action: 'POST', exceptId: 1 }),
    ).toBeUndefined();
  });

  it('bumps the version on update and on enable/disable, stamping the times', async () => {
    const { id } = await insertWebhookConfig(database.db, fields, now);
    const later = new Date('2026-11-28T13:00:00.000Z');
    const { key: _key, ...rest } = fields;
    const updated = await updateWebhookConfig(database.db, id, { ...rest, description: 'changed' }, later);
    expect(updated).toMatchObject({ description: 'changed', version: 2, updatedAt: later, createdAt: now });
    const disabled = await setWebhookConfigEnabled(database.db, id, false, later);
    expect(disabled).toMatchObject({ isEnabled: false, version: 3, deactivatedAt: later });
    expect(await updateWebhookConfig(database.db, 999, rest, later)).toBeUndefined();
  });

  it('searches key, description and path without treating % and _ as wildcards', async () => {
    await insertWebhookConfig(database.db, fields, now);
    await insertWebhookConfig(database.db, { ...fields, key: 'remita_payment', path: 'remita', description: '100% paid' }, now);
    const search = (searchText: string) => listWebhookConfigs(database.db, { searchText }, { offset: 0, limit: 10 });
    expect((await search('ACCOUNT')).items.map((c) => c.key)).toEqual(['Mono-Callback']);
    expect((await search('%')).items.map((c) => c.key)).toEqual(['remita_payment']);
    expect((await search('a_p')).totalCount).toBe(1);
    expect((await search('x_x')).totalCount).toBe(0);
  });

  it('deletes for good', async () => {
    const { id } = await insertWebhookConfig(database.db, fields, now);
    expect(await deleteWebhookConfig(database.db, id)).toMatchObject({ id });
    expect(await findWebhookConfigById(database.db, id)).toBeUndefined();
    expect(await deleteWebhookConfig(database.db, id)).toBeUndefined();
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewWebhookEvent } from '../../src/domain/webhook-event.js';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { insertWebhookConfig, updateWebhookConfig } from '../../src/store/webhook-configs.js';
import { insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { echoConfigFields, queuedEvent } from '../helpers/store-fixtures.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const config = echoConfigFields('github', { path: '/github/push' });

describe.each(engines)('claiming events with their attempts opened on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  const queued = (fields: Partial<NewWebhookEvent>) => queuedEvent('github', now, { path: 'github/push', ...fields });

  it('opens each attempt in the claim, with the current version of its configuration, by id or by reserved key', async () => {
    const byId = await insertWebhookConfig(database.db, config, now);
    const updated = await updateWebhookConfig(database.db, byId.id, config, now);
    const router = (await insertWebhookEvent(database.db, queued({ configId: byId.id, configVersion: 1 })))!;
    const provider = (await insertWebhookEvent(database.db, queued({ source: 'github', configKey: 'GitHub' })))!;
    const gone = (await insertWebhookEvent(database.db, queued({ configKey: 'gone' })))!;

    const claimed = await claimOpenedAttempts(database.db, { owner: 'host:1', now, leaseMs: 60_000, limit: 10 });

    expect(claimed.map(({ event, config }) => ({ id: event.id, attempts: event.attempts, config }))).toEqual([
      { id: router.id, attempts: 1, config: { id: byId.id, version: updated!.version } },
      { id: provider.id, attempts: 1, config: { id: byId.id, version: updated!.version } },
      { id: gone.id, attempts: 1, config: null },
    ]);
    for (const { event, attemptId, config: run } of claimed) {
      expect(await listEventAttempts(database.db, event.id)).toMatchObject([
        { id: attemptId, attempt: 1, worker: 'host:1', configVersion: run?.version ?? null, outcome: 'running' },
      ]);
    }
  });

  it('notes an earlier attempt left running as cut off when the event is claimed again', async () => {
    const event = (await insertWebhookEvent(database.db, queued({})))!;
    const [first] = await claimOpenedAttempts(database.db, { owner: 'dead-host', now, leaseMs: 0, limit: 1 });
    const [second] = await claimOpenedAttempts(database.db, { owner: 'host:2', now, leaseMs: 60_000, limit: 1 });

    expect(second?.event).toMatchObject({ id: event.id, attempts: 2, leaseOwner: 'host:2' });
    expect(await listEventAttempts(database.db, event.id)).toMatchObject([
      { id: first!.attemptId, attempt: 1, outcome: 'interrupted' },
      { id: second!.attemptId, attempt: 2, worker: 'host:2', outcome: 'running' },
    ]);
  });
});

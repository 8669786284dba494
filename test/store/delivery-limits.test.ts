import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookConfig, WebhookConfigFields } from '../../src/domain/webhook-config.js';
import { admitLimitedEvents, backOffConfiguration, findLimitWaits, rateWindowMs } from '../../src/store/admit-limited-events.js';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { pauseWebhookDelivery, resumeWebhookDelivery } from '../../src/store/delivery-pause.js';
import { insertWebhookConfig, updateWebhookConfig } from '../../src/store/webhook-configs.js';
import { findWebhookEventById, insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { echoConfigFields, queuedEvent } from '../helpers/store-fixtures.js';

const now = new Date('2026-12-09T09:00:00.000Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1_000);

describe.each(engines)('delivery limits on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  const config = (key: string, fields: Partial<WebhookConfigFields> = {}) =>
    insertWebhookConfig(database.db, echoConfigFields(key, fields), now);
  const queue = async (target: WebhookConfig, receivedAt: Date) =>
    (await insertWebhookEvent(database.db, queuedEvent(target.key, receivedAt, { configId: target.id, configVersion: 1 })))!.id;
  const claimedIds = async (limit: number, owner = 'w1') =>
    (await claimOpenedAttempts(database.db, { owner, now: at(60), leaseMs: 30_000, limit })).map((run) => run.event.id);
  const queueRow = (eventId: number) => database.db('webhook_event_queue').where({ event_id: eventId }).first();

  it('lets no more than maxConcurrency of a configuration run, while an unlimited one runs freely, and waiting is no attempt', async () => {
    const core = await config('core', { maxConcurrency: 2 });
    const other = await config('other');
    const limited = [await queue(core, at(1)), await queue(core, at(2)), await queue(core, at(3))];
    const free = await queue(other, at(4));

    // The claim meets the limited events and moves them to their limit wait; it runs the other one.
    expect(await claimedIds(10)).toEqual([free]);
    expect(await findLimitWaits(database.db)).toEqual([core.id]);
    for (const id of limited) {
      const row = await queueRow(id);
      expect({ attempts: row.attempts, leaseOwner: row.lease_owner, limitedConfig: Number(row.limited_config) }).toEqual({
        attempts: 0,
        leaseOwner: null,
        limitedConfig: core.id,
      });
    }
    expect(await database.db('webhook_event_attempts').whereIn('event_id', limited)).toEqual([]);
    // Read while it waits, an event shows the due time it keeps aside, not the queue's "infinity".
    expect((await findWebhookEventById(database.db, limited[2]!))?.availableAt).toEqual(at(3));

    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 2, stillWaiting: true });
    expect(await claimedIds(10, 'w2')).toEqual(limited.slice(0, 2));
    // Two run: nothing more passes, in any process, until one ends.
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 0, stillWaiting: true, freeInMs: null });
    expect(await claimedIds(10, 'w3')).toEqual([]);
    expect(await queueRow(limited[2]!)).toMatchObject({ attempts: 0 });

    // One lease runs out (its worker died): its slot is free again.
    await database
      .db('webhook_event_queue')
      .where({ event_id: limited[0] })
      .update({ due_at: database.db.raw(`now() - interval '1 second'`) });
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 1 });
    // The slot went to the waiting event: the cut-off one is not rerun beside it (three at once),
    // it waits for the admission again, behind it.
    expect(await claimedIds(10, 'w4')).toEqual([limited[2]]);
    expect(await queueRow(limited[0]!)).toMatchObject({ lease_owner: null, attempts: 1 });
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 0, stillWaiting: true });
    await database.db('webhook_event_queue').where({ event_id: limited[1] }).delete();
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 1 });
    expect(await claimedIds(10, 'w5')).toEqual([limited[0]]);
  });

  it('starts no more than maxPerSecond of a configuration within the rate window', async () => {
    const core = await config('core', { maxPerSecond: 3 });
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push(await queue(core, at(i)));
    expect(await claimedIds(10)).toEqual([]);
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 3, stillWaiting: true });
    const admission = await admitLimitedEvents(database.db, core.id, 10);
    expect(admission.admitted).toBe(0);
    expect(admission.freeInMs).toBeGreaterThan(0);
    expect(admission.freeInMs).toBeLessThanOrEqual(rateWindowMs);
    expect(await claimedIds(10)).toEqual(ids.slice(0, 3));
    // The window passes on the database's clock.
    await database
      .db('delivery_limits')
      .update({ recent_starts: database.db.raw(`array[now() - interval '2 seconds']::timestamptz[]`) });
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 2, stillWaiting: false });
  });

  it('holds a backed-off configuration until its time, and gives every waiting event back once its limits are removed', async () => {
    const core = await config('core');
    await backOffConfiguration(database.db, core.id, 60_000);
    const first = await queue(core, at(1));
    expect(await claimedIds(10)).toEqual([]);
    const held = await admitLimitedEvents(database.db, core.id, 10);
    expect(held).toMatchObject({ admitted: 0, stillWaiting: true });
    expect(held.freeInMs).toBeGreaterThan(55_000);

    await database.db('delivery_limits').update({ backoff_until: database.db.raw(`now() - interval '1 second'`) });
    // No limits of its own: the waiting events go back to the due order and leave the count.
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 0, stillWaiting: false });
    expect(await queueRow(first)).toMatchObject({ limited_config: null, limit_due_at: null });
    expect(await claimedIds(10)).toEqual([first]);

    const limited = await config('limited', { maxConcurrency: 1 });
    const waiting = await queue(limited, at(2));
    expect(await claimedIds(10)).toEqual([]);
    const { key: _key, ...fields } = echoConfigFields('limited');
    await updateWebhookConfig(database.db, limited.id, fields, at(3));
    await admitLimitedEvents(database.db, limited.id, 10);
    expect(await claimedIds(10)).toEqual([waiting]);
  });

  it('admits nothing while paused, and resume drains within the limits', async () => {
    const core = await config('core', { maxConcurrency: 1 });
    const ids = [await queue(core, at(1)), await queue(core, at(2))];
    expect(await claimedIds(10)).toEqual([]);
    await pauseWebhookDelivery(database.db, core.id, at(5));
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 0, stillWaiting: true });
    await resumeWebhookDelivery(database.db, core.id);
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 1 });
    expect(await claimedIds(10)).toEqual([ids[0]]);
    expect(await admitLimitedEvents(database.db, core.id, 10)).toMatchObject({ admitted: 0 });
  });
});

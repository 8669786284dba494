import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookConfig } from '../../src/domain/webhook-config.js';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import {
  countWaitingEvents,
  pauseWebhookDelivery,
  releaseStrayHeldEvents,
  resumeWebhookDelivery,
} from '../../src/store/delivery-pause.js';
import { insertWebhookConfig } from '../../src/store/webhook-configs.js';
import { findWebhookEventById, insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { echoConfigFields, queuedEvent } from '../helpers/store-fixtures.js';

const now = new Date('2026-12-08T09:00:00.000Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1_000);

describe.each(engines)('pausing delivery on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  const config = (key: string) => insertWebhookConfig(database.db, echoConfigFields(key), now);
  const queue = async (target: WebhookConfig, receivedAt: Date) =>
    (await insertWebhookEvent(database.db, queuedEvent(target.key, receivedAt, { configId: target.id, configVersion: 1 })))!.id;
  const claim = (limit: number, clock = at(60)) =>
    claimOpenedAttempts(database.db, { owner: 'w1', now: clock, leaseMs: 30_000, limit });
  const claimedIds = async (limit: number, clock?: Date) => (await claim(limit, clock)).map((run) => run.event.id);
  const heldRows = () => database.db('webhook_event_queue').whereNotNull('held_for_config').orderBy('event_id');

  it('holds the queued events of a paused configuration while the others run', async () => {
    const core = await config('core');
    const other = await config('other');
    const first = await queue(core, at(1));
    const second = await queue(core, at(2));
    const unrelated = await queue(other, at(3));

    const paused = await pauseWebhookDelivery(database.db, core.id, at(10));
    expect(paused?.deliveryPausedAt).toEqual(at(10));
    expect((await heldRows()).map((row) => Number(row.event_id))).toEqual([first, second]);
    expect(await claimedIds(10)).toEqual([unrelated]);
    expect(await countWaitingEvents(database.db, [core.id, other.id])).toEqual(new Map([[core.id, 2]]));
    // The event still reads as queued, due when it was.
    expect(await findWebhookEventById(database.db, first)).toMatchObject({ status: 'queued', availableAt: at(1) });
    expect(await pauseWebhookDelivery(database.db, core.id, at(11))).toBeUndefined();
  });

  it('holds an event it meets after the pause (accepted, a retry coming due, a lease run out) instead of running it', async () => {
    const core = await config('core');
    const running = await queue(core, at(1));
    expect(await claimedIds(1)).toEqual([running]);
    await pauseWebhookDelivery(database.db, core.id, at(10));
    const accepted = await queue(core, at(20));
    // Its worker died: the lease runs out on the database's clock.
    await database
      .db('webhook_event_queue')
      .where({ event_id: running })
      .update({ due_at: database.db.raw(`now() - interval '1 second'`) });

    expect(await claimedIds(10)).toEqual([]);
    expect((await heldRows()).map((row) => [Number(row.event_id), row.lease_owner])).toEqual([
      [running, null],
      [accepted, null],
    ]);
    // Held, they are out of the walk: the next claim does not read them again.
    expect(await database.db('webhook_event_queue').where('due_at', '<', database.db.raw(`'infinity'::timestamptz`))).toEqual([]);
  });

  it("holds a provider's event stored without a configuration id, by its reserved key", async () => {
    const mono = await config('mono-callback');
    const { id } = (await insertWebhookEvent(database.db, queuedEvent('mono-callback', at(1), { source: 'mono' })))!;
    await pauseWebhookDelivery(database.db, mono.id, at(10));
    expect(await claimedIds(10)).toEqual([]);
    await resumeWebhookDelivery(database.db, mono.id);
    expect(await claimedIds(10)).toEqual([id]);
  });

  it('resumes in the order the events were due, a retry keeping its later time', async () => {
    const core = await config('core');
    const retried = await queue(core, at(1));
    expect(await claimedIds(1)).toEqual([retried]);
    // Its attempt failed: the retry is due at +50 s.
    await database
      .db('webhook_event_queue')
      .where({ event_id: retried })
      .update({ lease_owner: null, due_at: at(50) });
    const later = [await queue(core, at(3)), await queue(core, at(2)), await queue(core, at(40))];
    await pauseWebhookDelivery(database.db, core.id, at(5));

    const resumed = await resumeWebhookDelivery(database.db, core.id);
    expect(resumed?.deliveryPausedAt).toBeNull();
    expect(await heldRows()).toEqual([]);
    const order: number[] = [];
    for (let n = 0; n < 4; n++) order.push(...(await claimedIds(1)));
    expect(order).toEqual([later[1], later[0], later[2], retried]);
    expect(await resumeWebhookDelivery(database.db, core.id)).toBeUndefined();
  });

  it('gives back an event a claim held just as the configuration was resumed', async () => {
    const core = await config('core');
    const id = await queue(core, at(1));
    // The race: a claim read the pause before the resume committed, and held the event after it.
    await database
      .db('webhook_event_queue')
      .where({ event_id: id })
      .update({
        held_for_config: core.id,
        held_due_at: at(1),
        due_at: database.db.raw(`'infinity'::timestamptz`),
      });
    expect(await claimedIds(10)).toEqual([]);
    expect(await releaseStrayHeldEvents(database.db)).toBe(1);
    expect(await claimedIds(10)).toEqual([id]);
  });

  it('leaves the events of a configuration still paused to the upkeep alone', async () => {
    const core = await config('core');
    await queue(core, at(1));
    await pauseWebhookDelivery(database.db, core.id, at(5));
    expect(await releaseStrayHeldEvents(database.db)).toBe(0);
    expect(await heldRows()).toHaveLength(1);
  });
});

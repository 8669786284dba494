import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLeaseKeepers } from '../../src/delivery/lease-keeper.js';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { silentLog } from '../helpers/silent-log.js';
import { queuedEvent } from '../helpers/store-fixtures.js';
import { eventually } from '../helpers/webhook-calls.js';

const leaseMs = 600;
const now = new Date('2026-01-01T00:00:00.000Z');

const queued = queuedEvent('lease', now);

describe.each(engines)('lease keepers on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  it('extend every lease of the process together, and a lease lost stops only its own run', async () => {
    for (let n = 0; n < 3; n += 1) await insertWebhookEvent(database.db, queued);
    const since = performance.now();
    const claimed = (await claimOpenedAttempts(database.db, { owner: 'host:1', now, leaseMs, limit: 3 })).map(
      ({ event }) => event,
    );
    expect(claimed).toHaveLength(3);
    const keepers = createLeaseKeepers({ db: database.db, log: silentLog, owner: 'host:1', leaseMs });
    const [lost, ...kept] = claimed.map((event) => ({
      event,
      lease: keepers.keep({ eventId: event.id, attempt: event.attempts, since }),
    }));

    await database.db('webhook_event_queue').where({ event_id: lost!.event.id }).update({ lease_owner: 'host:2' });
    await eventually(async () => (lost!.lease.signal.aborted ? true : undefined), 5_000);
    // Well past the first lease's end: the others were extended meanwhile.
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 1.5));
    for (const { lease } of kept) {
      expect(lease.signal.aborted).toBe(false);
      expect(lease.heldUntil()).toBeGreaterThan(since + leaseMs);
    }
    const [row] = await database
      .db('webhook_event_queue')
      .whereIn(
        'event_id',
        kept.map(({ event }) => event.id),
      )
      .count({ n: '*' })
      .where('due_at', '>', database.db.raw('now()'));
    expect(Number(row?.n)).toBe(2);
    for (const { lease } of kept) lease.stop();
  });
});

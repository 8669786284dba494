import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { promoteFirstWaitingEvents } from '../../src/store/ordering-keys.js';
import { insertWebhookConfig } from '../../src/store/webhook-configs.js';
import { insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { echoConfigFields, queuedEvent } from '../helpers/store-fixtures.js';

const now = new Date('2026-12-08T09:00:00.000Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1_000);

describe.each(engines)('ordered events in the queue on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  const queue = async (configId: number, key: string | null, seconds: number) =>
    (await insertWebhookEvent(
      database.db,
      queuedEvent('mandates', at(seconds), {
        configId,
        configVersion: 1,
        orderingKey: key === null ? null : `${configId}:${key}`,
      }),
    ))!.id;
  const claimed = async () =>
    (await claimOpenedAttempts(database.db, { owner: 'w1', now: at(60), leaseMs: 30_000, limit: 10 })).map((run) => run.event.id);
  const rows = () => database.db('webhook_event_queue').orderBy('event_id').select('event_id', 'waiting_due_at');

  it("stores an event behind its key's earlier one out of the due order, so the claim's walk never passes it", async () => {
    const config = await insertWebhookConfig(database.db, echoConfigFields('mandates'), now);
    const head = await queue(config.id, 'M-1', 1);
    const second = await queue(config.id, 'M-1', 2);
    const other = await queue(config.id, 'M-2', 3);
    const unordered = await queue(config.id, null, 4);
    expect((await rows()).map((row) => [Number(row.event_id), row.waiting_due_at])).toEqual([
      [head, null],
      [second, at(2)],
      [other, null],
      [unordered, null],
    ]);
    const walked = await database.db('webhook_event_queue').where('due_at', '<', database.db.raw(`'infinity'::timestamptz`));
    expect(walked.map((row) => Number(row.event_id)).sort()).toEqual([head, other, unordered].sort());
    expect(await claimed()).toEqual([head, other, unordered]);
    expect(await promoteFirstWaitingEvents(database.db)).toBe(0);
  });

  it('gives a waiting event its due time back once it is first of its key, when the settle could not see it', async () => {
    const config = await insertWebhookConfig(database.db, echoConfigFields('mandates'), now);
    const head = await queue(config.id, 'M-1', 1);
    const second = await queue(config.id, 'M-1', 2);
    const third = await queue(config.id, 'M-1', 3);
    // The head finished in a settle that read the key before the second was stored.
    await database.db('webhook_event_queue').where({ event_id: head }).delete();
    expect(await claimed()).toEqual([]);
    expect(await promoteFirstWaitingEvents(database.db)).toBe(1);
    expect(await claimed()).toEqual([second]);
    expect((await rows()).find((row) => Number(row.event_id) === third)?.waiting_due_at).toEqual(at(3));
  });
});

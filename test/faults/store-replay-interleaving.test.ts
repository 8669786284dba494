import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

/**
 * Overlapping replays, driven step by step with a row lock (PostgreSQL only: PGlite has one
 * connection, so its statements never interleave).
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('replay, claim and settle interleaved on postgres', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    service = await startTestService(database.db, { startWorker: false });
    await createConfig(service.baseUrl, {
      key: 'interleaved',
      path: '/interleaved',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  /** Until a statement waits for the given backend's lock (other tests share the server). */
  const waitingFor = (pid: number) =>
    eventually(async () => {
      const { rows } = await database.db.raw<{ rows: { n: string | number }[] }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE ?::int = ANY(pg_blocking_pids(pid))`,
        [pid],
      );
      return Number(rows[0]!.n) > 0 ? true : undefined;
    }, 10_000);

  it.each([
    ['a bulk replay', { key: 'interleaved', status: 'succeeded' }],
    ['a replay by id', 'by-id'],
  ] as const)('%s that overlaps another replay and a claim leaves the running event to its worker', async (_, how) => {
    const response = await callWebhook(service.baseUrl, 'interleaved', { body: '{}' });
    expect(response.status).toBe(200);
    const id = Number(response.headers.get('x-webhook-event-id'));

    // Replay A is requeueing the event, and a worker claims it as soon as it is queued: A holds the row.
    const claim = await database.db.transaction();
    try {
      const locked = await claim('webhook_events').where({ id }).forUpdate().first();
      const { rows } = await claim.raw<{ rows: { pid: number }[] }>('SELECT pg_backend_pid() AS pid');
      // Replay B reads the event as succeeded, then waits for the row.
      const replay = command(service.baseUrl, 'ReplayWebhookEventCommand', how === 'by-id' ? { id } : how);
      await waitingFor(rows[0]!.pid);
      await claim('webhook_events').where({ id }).update({ status: 'queued' });
      await claim('webhook_event_queue').insert({
        event_id: id,
        received_at: locked.received_at,
        due_at: claim.raw(`now() + interval '1 minute'`),
        lease_owner: 'worker-1',
        attempts: 2,
        max_attempts: 3,
        source: 'router',
      });
      await claim.commit();
      const outcome = await replay;
      expect(how === 'by-id' ? outcome.success : (outcome.data as { replayedCount: number }).replayedCount).toBe(
        how === 'by-id' ? false : 0,
      );
    } finally {
      if (!claim.isCompleted()) await claim.rollback();
    }
    expect(await findWebhookEventById(database.db, id)).toMatchObject({
      status: 'processing',
      leaseOwner: 'worker-1',
      attempts: 2,
    });
    expect(await database.db('webhook_event_queue').where({ event_id: id }).count({ n: '*' })).toEqual([
      { n: database.engine === 'postgres' ? '1' : 1 },
    ]);
  });
});

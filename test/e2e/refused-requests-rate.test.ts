import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

describe.each(engines)('refused requests on %s', (engine) => {
  let database: TestDatabase;
  let first: RunningService;
  let second: RunningService;
  let now = new Date('2026-12-02T10:00:10Z');
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // Two services on one database: the bound holds across processes because the database decides.
    const options = { clock: () => now, startWorker: false, delivery: { refusedStoredPerMinute: 3 } };
    first = await startTestService(database.db, options);
    second = await startTestService(database.db, options);
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await database?.destroy();
  });

  const rejected = async () =>
    Number((await database.db('webhook_events').where({ status: 'rejected' }).count({ n: '*' }))[0]!.n);

  it('are all counted, at most REFUSED_STORED_PER_MINUTE a minute stored, the overflow shown on the configuration', async () => {
    const { id } = await createConfig(first.baseUrl, {
      key: 'paystack-keyed',
      path: '/paystack/keyed',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      verification: { scheme: 'api-key', secret: 'right-key' },
    });
    const forge = (n: number) =>
      callWebhook((n % 2 === 0 ? first : second).baseUrl, 'paystack/keyed', {
        body: '{}',
        headers: { 'x-api-key': `wrong-${n}` },
      });
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, n) => forge(n).then((r) => r.status)));
    expect(statuses).toEqual(Array(8).fill(401));
    expect(await rejected()).toBe(3);

    now = new Date('2026-12-02T10:01:05Z');
    await Promise.all([forge(1), forge(2)]);
    expect(await rejected()).toBe(5);

    for (const kind of clientKinds) {
      const client = createManagementClient(kind, first.baseUrl, first.adminToken);
      const read = await client.call('GetWebHookConfigByIdQuery', { id });
      expect(read.data).toMatchObject({ refusedRequests: { total: 10, notStored: 5, lastAt: '2026-12-02T10:01:05Z' } });
      client.close();
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listWebhookEvents } from '../../src/store/webhook-events.js';
import { monoDebitSuccessful } from '../fixtures/mono-events.js';
import { remitaPayments } from '../fixtures/remita-notifications.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { openProviderSession } from '../helpers/provider-calls.js';
import { createCountingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { createConfig } from '../helpers/webhook-calls.js';

const posts = 1_000;
const distinct = 100;
const monoSecret = 'sec_live_concurrency';

type Session = ReturnType<typeof openProviderSession>;

describe.each(engines)('provider dedup under 1,000 concurrent posts on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  const counting = createCountingCommand();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      startWorker: false,
      extraCommands: [counting.command],
      delivery: { workerConcurrency: 25 },
      providers: { monoWebhookSecret: monoSecret, remitaAllowAnyIp: true },
    });
  }, 300_000);
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    // The truncate's change notification may arrive late: a previous test's reserved-key config must not linger.
    service.configs.invalidate();
    counting.runs.clear();
  });

  const dispatchTo = (key: string) =>
    createConfig(service.baseUrl, {
      key,
      path: `internal/${key}`,
      action: 'POST',
      allowableIPs: '192.0.2.1',
      executionType: 0,
      commandName: 'CountingTestCommand',
    });

  /** Fires every post at once; every one must get the same 200, then exactly `distinct` events run once each. */
  async function expectExactlyOnce(source: string, send: (session: Session, index: number) => ReturnType<Session['post']>) {
    const session = openProviderSession(service.baseUrl);
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: posts }, (_, index) => send(session, index))).finally(() =>
      session.close(),
    );
    const postedMs = performance.now() - started;
    expect(responses.filter((response) => response.status !== 200)).toEqual([]);
    const { items, totalCount } = await listWebhookEvents(database.db, { source }, { offset: 0, limit: 2 * distinct });
    expect(totalCount).toBe(distinct);
    expect(items.reduce((sum, event) => sum + Number((event.trace.dedup as { repeats?: number }).repeats ?? 0), 0)).toBe(
      responses.reduce((sum, response) => sum + (response.json.data as { eventIds: number[] }).eventIds.length, 0) - distinct,
    );
    expect(await service.worker.drain()).toBe(distinct);
    expect(counting.runs.size).toBe(distinct);
    expect([...counting.runs.values()].every((runs) => runs === 1)).toBe(true);
    // A measurement for the report, not an assertion.
    console.info(`${engine} ${source}: ${posts} concurrent posts answered in ${Math.round(postedMs)} ms`);
  }

  it('stores and dispatches exactly 100 Mono events for 1,000 posts carrying 100 event ids', async () => {
    await dispatchTo('mono-callback');
    await expectExactlyOnce('mono', (session, index) =>
      session.post(
        '/api/webhooks/mono/callback',
        { ...monoDebitSuccessful, event_id: `evt_${index % distinct}` },
        {
          'mono-webhook-secret': monoSecret,
        },
      ),
    );
  }, 300_000);

  it('stores and dispatches exactly 100 Remita payments for 1,000 arrays repeating 100 rrrs', async () => {
    await dispatchTo('remita-payment');
    const payment = (n: number) => ({ ...remitaPayments[0], rrr: String(110007750000 + (n % distinct)) });
    await expectExactlyOnce('remita-payment', (session, index) =>
      session.post('/api/webhooks/remita', [payment(index), payment(index + 1)]),
    );
  }, 300_000);
});

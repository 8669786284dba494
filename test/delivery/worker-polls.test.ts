import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAttempts } from '../../src/delivery/claim-attempts.js';
import { createLimitAdmission } from '../../src/delivery/limit-admission.js';
import { createWorker } from '../../src/delivery/worker.js';
import { insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { silentLog } from '../helpers/silent-log.js';
import { queuedEvent } from '../helpers/store-fixtures.js';
import { eventually } from '../helpers/webhook-calls.js';

const pollMs = 500;
/** The admission looks for limited events far more often than the worker polls. */
const admissionLookMs = 10;

describe.each(engines)('an idle worker on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());

  it('claims once a poll however often it looks at the limits, and at once when woken', async () => {
    const deps = {
      db: database.db,
      clock: () => new Date(),
      workerId: 'host:1:idle',
      leaseMs: 60_000,
      configs: { find: async () => undefined },
    };
    let claims = 0;
    const ran: number[] = [];
    const worker = createWorker({
      ...deps,
      log: silentLog,
      concurrency: 4,
      pollMs,
      admission: createLimitAdmission(database.db, silentLog, admissionLookMs),
      claim: (limit, sent) => {
        claims += 1;
        return claimAttempts(deps, limit, sent);
      },
      run: async (event) => ran.push(event.id),
    });
    worker.start();
    try {
      await sleep(3 * pollMs + pollMs / 5);
      // Polls at 0, 500, 1000 and 1500 ms; a claim at every admission look would be some 160.
      expect(claims).toBeGreaterThanOrEqual(2);
      expect(claims).toBeLessThanOrEqual(5);

      const event = await insertWebhookEvent(database.db, queuedEvent('idle', new Date()));
      const wokenAt = performance.now();
      worker.wake();
      await eventually(async () => (ran.includes(event!.id) ? true : undefined), pollMs * 4);
      expect(performance.now() - wokenAt).toBeLessThan(pollMs);
    } finally {
      await worker.stop(0);
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { testSecret } from '../helpers/tokens.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;
const eventCount = 40;

describe.skipIf(!url)('a pause across two service processes on one PostgreSQL', () => {
  const children: ChildService[] = [];
  let database: ScratchDatabase | undefined;
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGTERM')));
    await database?.drop();
  });

  it('holds every process: both accept (a sync configuration with 202), neither runs, and a resume through the other drains once', async () => {
    database = await createScratchDatabase(url!, 'bpm_pause');
    const env = { AUTH_HS256_SECRET: testSecret, DATABASE_URL: database.url, WORKER_CONCURRENCY: '4', WORKER_POLL_MS: '20' };
    const [a, b] = await Promise.all([startChildService(env), startChildService(env)]);
    children.push(a!, b!);

    const config = await createConfig(a!.baseUrl, {
      key: 'core-banking',
      path: '/core-banking',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'sync',
    });
    await eventually(async () =>
      (await callWebhook(b!.baseUrl, 'core-banking', { body: '{}' })).status === 200 ? true : undefined,
    );
    expect(await command(a!.baseUrl, 'PauseWebHookDeliveryCommand', { id: config.id })).toMatchObject({ success: true });
    // B learns of the pause by NOTIFY: its sync webhooks are then accepted, not run.
    await eventually(
      async () => ((await callWebhook(b!.baseUrl, 'core-banking', { body: '{}' })).status === 202 ? true : undefined),
      2_000,
    );

    const responses = await Promise.all(
      Array.from({ length: eventCount }, (_, n) =>
        callWebhook((n % 2 === 0 ? a : b)!.baseUrl, 'core-banking', { body: JSON.stringify({ n }) }),
      ),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([202]));
    // Both workers poll every 20 ms; a second of polls runs none of them.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const check = await openDatabase({ engine: 'postgres', url: database.url, poolMax: 1 });
    try {
      const started = await check('webhook_event_attempts').where(
        'started_at',
        '>',
        check.raw('(SELECT delivery_paused_at FROM webhook_configs)'),
      );
      expect(started).toEqual([]);
      const waiting = await command(b!.baseUrl, 'GetWebHookConfigByIdQuery', { id: config.id });
      expect((waiting.data as { waitingEvents: number }).waitingEvents).toBe(eventCount + 1);

      expect(await command(b!.baseUrl, 'ResumeWebHookDeliveryCommand', { id: config.id })).toMatchObject({ success: true });
      await eventually(async () => {
        const list = await command(a!.baseUrl, 'GetWebhookEventListQuery', { status: 'queued', pageSize: 1 });
        return (list.data as { totalCount: number }).totalCount === 0 ? true : undefined;
      }, 20_000);
      const perEvent = await check('webhook_event_attempts').select('event_id').count({ n: '*' }).groupBy('event_id');
      expect(perEvent.filter((row) => Number(row.n) !== 1)).toEqual([]);
      const succeeded = await check('webhook_events').where({ status: 'succeeded' }).count({ n: '*' });
      expect(Number(succeeded[0]!.n)).toBe(perEvent.length);
    } finally {
      await check.destroy();
    }
  });
});

import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { toJson } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/commands/command.js';
import { AppError } from '../../src/errors.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { sampleValue } from '../helpers/prometheus-text.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

/** Records the `n` of every body it runs, in order; fails while `n` is in `failing`. */
function createOrderedCommand() {
  const runs: number[] = [];
  const failing = new Set<number>();
  const definition = defineCommand({
    name: 'OrderedTestCommand',
    input: ValueSchema,
    output: ValueSchema,
    permission: 'webhooks:write',
    successMessage: 'Command executed successfully',
    runnableFromWebhook: true,
    handle: async (input) => {
      const n = Number((toJson(ValueSchema, input) as { body?: { n?: number } }).body?.n);
      runs.push(n);
      if (failing.has(n)) throw new AppError('execution_failed', 'Command failed', ['Core banking refused the posting']);
      return input;
    },
  });
  return { definition, runs, failing };
}

const start = new Date('2026-12-08T10:00:00.000Z');

describe.each(engines)('order per key on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let now = start;
  const ordered = createOrderedCommand();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      extraCommands: [ordered.definition],
      delivery: { retryBaseMs: 1_000, retryMaxMs: 4_000, leaseMs: 30_000, defaultMaxAttempts: 3 },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    ordered.runs.length = 0;
    ordered.failing.clear();
    now = start;
  });

  const mandates = (fields: object = {}) =>
    createConfig(service.baseUrl, {
      key: 'mono-mandates',
      path: '/mono/mandates',
      action: 'POST',
      executionType: 0,
      commandName: 'OrderedTestCommand',
      responseMode: 'async',
      orderingKey: 'body:/data/mandate',
      ...fields,
    });
  const post = async (n: number, mandate?: string) => {
    const body = JSON.stringify({ n, data: mandate === undefined ? {} : { mandate } });
    const response = await callWebhook(service.baseUrl, 'mono/mandates', { body });
    expect(response.status).toBe(202);
    return (response.json.data as { eventId: number }).eventId;
  };
  const statusOf = async (id: number) =>
    ((await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id })).data as { status: string }).status;
  const parkedKeys = async () => ((await command(service.baseUrl, 'ListParkedKeysQuery', {})).data as { items: object[] }).items;

  it("runs a key's events one at a time in accepted order, a failing one holding its key while it retries, other keys going on", async () => {
    const config = await mandates();
    expect(config.orderingKey).toBe('body:/data/mandate');
    ordered.failing.add(1);
    await post(1, 'M-1');
    await post(2, 'M-1');
    await post(3, 'M-2');
    await post(4);

    await service.worker.drain();
    expect(ordered.runs).toEqual([1, 3, 4]);
    // The retry is due in 750 ms: until then event 2 waits behind it.
    now = new Date(start.getTime() + 700);
    await service.worker.drain();
    expect(ordered.runs).toEqual([1, 3, 4]);

    ordered.failing.clear();
    now = new Date(start.getTime() + 800);
    await service.worker.drain();
    expect(ordered.runs).toEqual([1, 3, 4, 1, 2]);
  });

  it('parks the key of a dead event: release runs it again first, skip runs its successors, each exactly once', async () => {
    await mandates({ maxAttempts: 1 });
    ordered.failing.add(1);
    const dead = await post(1, 'M-7');
    const second = await post(2, 'M-7');
    await post(3, 'M-7');
    await post(4, 'M-8');
    await service.worker.drain();
    expect(ordered.runs).toEqual([1, 4]);
    expect(await statusOf(dead)).toBe('dead');
    expect(await statusOf(second)).toBe('queued');
    expect(await parkedKeys()).toEqual([
      expect.objectContaining({ configKey: 'mono-mandates', orderingKey: 'M-7', deadEventId: dead, waitingEvents: 2 }),
    ]);
    const metrics = await service.metrics.registry.metrics();
    expect(sampleValue(metrics, 'bpm_delivery_parked_keys', { config_key: 'mono-mandates' })).toBe(1);
    expect(sampleValue(metrics, 'bpm_delivery_waiting_events', { config_key: 'mono-mandates', reason: 'order' })).toBe(2);

    // Released while the core still refuses it: it runs once more, first, and parks the key again.
    const released = await command(service.baseUrl, 'ReleaseOrderingKeyCommand', { configId: 1, orderingKey: 'M-7' });
    expect(released).toMatchObject({ success: true, data: { deadEventId: dead, outcome: 'retried' } });
    await service.worker.drain();
    expect(ordered.runs).toEqual([1, 4, 1]);
    expect(await parkedKeys()).toHaveLength(1);

    const skipped = await command(service.baseUrl, 'ReleaseOrderingKeyCommand', {
      configId: 1,
      orderingKey: 'M-7',
      skipDeadEvent: true,
    });
    expect(skipped).toMatchObject({ success: true, message: 'Ordering key released successfully', data: { outcome: 'skipped' } });
    await service.worker.drain();
    expect(ordered.runs).toEqual([1, 4, 1, 2, 3]);
    expect(await statusOf(dead)).toBe('dead');
    expect(await parkedKeys()).toEqual([]);

    const again = await command(service.baseUrl, 'ReleaseOrderingKeyCommand', { configId: 1, orderingKey: 'M-7' });
    expect(again).toMatchObject({ success: false, message: 'Release failed', errors: ['The ordering key is not parked'] });
    const audit = await command(service.baseUrl, 'GetAuditLogQuery', { entityType: 'ordering_key', pageSize: 10 });
    expect((audit.data as { items: { command: string }[] }).items.map((entry) => entry.command)).toEqual([
      'ReleaseOrderingKeyCommand',
      'ReleaseOrderingKeyCommand',
    ]);
  });

  it('replays an ordered event behind the events of its key queued before the replay', async () => {
    await mandates();
    const first = await post(1, 'R-1');
    await service.worker.drain();
    ordered.failing.add(2);
    await post(2, 'R-1');
    await service.worker.drain();
    expect(ordered.runs).toEqual([1, 2]);

    expect(await command(service.baseUrl, 'ReplayWebhookEventCommand', { id: first })).toMatchObject({ success: true });
    await service.worker.drain();
    // Event 2 retries at +750 ms and holds its key: the replay waits behind it.
    expect(ordered.runs).toEqual([1, 2]);
    ordered.failing.clear();
    now = new Date(start.getTime() + 1_000);
    await service.worker.drain();
    expect(ordered.runs).toEqual([1, 2, 2, 1]);
  });

  it('lets a sync caller with an ordering key wait for its event up to its timeout: the result when it ran, else 202', async () => {
    const { id } = await mandates({ responseMode: 'sync', timeoutMs: 400 });
    // No worker runs here: the caller waits 400 ms, then gets the event id.
    const waited = performance.now();
    const response = await callWebhook(service.baseUrl, 'mono/mandates', { body: '{"n":9,"data":{"mandate":"S-1"}}' });
    expect(performance.now() - waited).toBeGreaterThanOrEqual(390);
    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ success: true, message: 'Webhook accepted' });

    // A timeout long enough for two runs on a loaded machine (400 ms was not, on CI), so the caller
    // below gets its result whatever the load; a configuration write reaches this process's cache at once.
    expect(await command(service.baseUrl, 'UpdateWebHookConfigCommand', { id, timeoutMs: 20_000 })).toMatchObject({
      success: true,
    });
    // Run by a worker while its caller waits: the caller gets the result, as from any sync webhook.
    const answered = callWebhook(service.baseUrl, 'mono/mandates', { body: '{"n":10,"data":{"mandate":"S-1"}}' });
    let settled = false;
    void answered.finally(() => (settled = true));
    while (!settled) {
      await service.worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await answered;
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ success: true, message: 'Webhook processed successfully' });
    expect(ordered.runs).toEqual([9, 10]);
  });

  it('refuses an ordering key that is neither header:<name> nor body:<json-pointer>', async () => {
    const refused = await command(service.baseUrl, 'CreateWebHookConfigCommand', {
      key: 'bad-order',
      path: '/bad-order',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      orderingKey: 'query:mandate',
    });
    expect(refused).toMatchObject({ success: false, errors: ['Ordering key must be "header:<name>" or "body:<json-pointer>"'] });
  });
});

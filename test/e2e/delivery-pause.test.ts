import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { createCountingCommand } from '../helpers/test-commands.js';
import { sampleValue } from '../helpers/prometheus-text.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

const counting = createCountingCommand();
const configFields = (key: string, responseMode: 'sync' | 'async') => ({
  key,
  path: `/${key}`,
  action: 'POST',
  executionType: 0,
  commandName: 'CountingTestCommand',
  responseMode,
});

describe.each(engines)('pausing and resuming delivery on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { startWorker: false, extraCommands: [counting.command] });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    counting.runs.clear();
  });

  const post = async (key: string, body: object) => {
    const response = await callWebhook(service.baseUrl, key, { body: JSON.stringify(body) });
    return {
      status: response.status,
      message: response.json.message,
      eventId: (response.json.data as { eventId?: number }).eventId,
    };
  };
  const statusOf = async (eventId: number) =>
    ((await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id: eventId })).data as { status: string }).status;

  it('accepts and stores while paused (202 for a sync configuration too), runs nothing, and drains on resume', async () => {
    const core = await createConfig(service.baseUrl, configFields('core-banking', 'async'));
    const sync = await createConfig(service.baseUrl, configFields('core-sync', 'sync'));
    const other = await createConfig(service.baseUrl, configFields('statements', 'async'));
    const before = await post('core-banking', { n: 1 });

    const pausedCore = await command(service.baseUrl, 'PauseWebHookDeliveryCommand', { id: core.id });
    expect(pausedCore).toMatchObject({ success: true, message: 'Webhook delivery paused successfully' });
    expect(pausedCore.data).toMatchObject({ id: core.id, waitingEvents: 1 });
    expect((pausedCore.data as { deliveryPausedAt: string }).deliveryPausedAt).toMatch(/Z$/);
    await command(service.baseUrl, 'PauseWebHookDeliveryCommand', { id: sync.id });

    const during = await post('core-banking', { n: 2 });
    const syncDuring = await post('core-sync', { n: 3 });
    expect(syncDuring).toMatchObject({ status: 202, message: 'Webhook accepted' });
    expect(syncDuring.eventId).toBeGreaterThan(0);
    const unrelated = await post('statements', { n: 4 });
    expect(during.status).toBe(202);

    expect(await service.worker.drain()).toBe(1);
    expect([...counting.runs.keys()]).toEqual([unrelated.eventId]);
    expect(await statusOf(during.eventId!)).toBe('queued');
    expect(await statusOf(syncDuring.eventId!)).toBe('queued');

    const listed = await command(service.baseUrl, 'GetWebHookConfigListQuery', { pageSize: 100 });
    const items = (listed.data as { items: { key: string; waitingEvents?: number; deliveryPausedAt?: string }[] }).items;
    expect(items.map(({ key, waitingEvents }) => ({ key, waitingEvents }))).toEqual([
      { key: 'core-banking', waitingEvents: 2 },
      { key: 'core-sync', waitingEvents: 1 },
      { key: 'statements', waitingEvents: undefined },
    ]);
    const metrics = await service.metrics.registry.metrics();
    expect(sampleValue(metrics, 'bpm_delivery_waiting_events', { config_key: 'core-banking', reason: 'pause' })).toBe(2);
    expect(sampleValue(metrics, 'bpm_delivery_waiting_events', { config_key: 'statements', reason: 'pause' })).toBeUndefined();

    const again = await command(service.baseUrl, 'PauseWebHookDeliveryCommand', { id: core.id });
    expect(again).toMatchObject({ success: false, message: 'Pause failed', errors: ['Delivery is already paused'], code: 400 });

    const resumed = await command(service.baseUrl, 'ResumeWebHookDeliveryCommand', { id: core.id });
    expect(resumed).toMatchObject({ success: true, message: 'Webhook delivery resumed successfully' });
    expect((resumed.data as { deliveryPausedAt?: string }).deliveryPausedAt).toBeUndefined();
    expect(await service.worker.drain()).toBe(2);
    expect(await statusOf(before.eventId!)).toBe('succeeded');
    expect(await statusOf(during.eventId!)).toBe('succeeded');
    expect(await statusOf(syncDuring.eventId!)).toBe('queued');
    expect(counting.runs.get(before.eventId!)).toBe(1);

    const notPaused = await command(service.baseUrl, 'ResumeWebHookDeliveryCommand', { id: other.id });
    expect(notPaused).toMatchObject({ success: false, message: 'Resume failed', errors: ['Delivery is not paused'] });
    const missing = await command(service.baseUrl, 'PauseWebHookDeliveryCommand', { id: 999_999 });
    expect(missing).toMatchObject({ success: false, errors: ['Configuration not found'], code: 404 });
  });

  it('records who paused and resumed in the audit log, before and after', async () => {
    const core = await createConfig(service.baseUrl, configFields('core-banking', 'async'));
    await command(service.baseUrl, 'PauseWebHookDeliveryCommand', { id: core.id });
    await command(service.baseUrl, 'ResumeWebHookDeliveryCommand', { id: core.id });
    const log = await command(service.baseUrl, 'GetAuditLogQuery', { entityType: 'webhook_config', entityId: String(core.id) });
    const entries = (log.data as { items: { command: string; before: object; after: object }[] }).items;
    const pause = entries.find((entry) => entry.command === 'PauseWebHookDeliveryCommand');
    const resume = entries.find((entry) => entry.command === 'ResumeWebHookDeliveryCommand');
    expect(pause?.before).not.toHaveProperty('deliveryPausedAt');
    expect(pause?.after).toHaveProperty('deliveryPausedAt');
    expect(resume?.before).toHaveProperty('deliveryPausedAt');
    expect(resume?.after).not.toHaveProperty('deliveryPausedAt');
  });

  it.each(clientKinds)('pauses and resumes over %s', async (kind) => {
    const core = await createConfig(service.baseUrl, configFields(`core-${kind}`, 'async'));
    const client = createManagementClient(kind, service.baseUrl, service.adminToken);
    try {
      const paused = await client.call('PauseWebHookDeliveryCommand', { id: core.id });
      expect(paused).toMatchObject({ success: true, message: 'Webhook delivery paused successfully' });
      const twice = await client.call('PauseWebHookDeliveryCommand', { id: core.id });
      expect(twice).toMatchObject({ success: false, errors: ['Delivery is already paused'] });
      const resumed = await client.call('ResumeWebHookDeliveryCommand', { id: core.id });
      expect(resumed).toMatchObject({ success: true, message: 'Webhook delivery resumed successfully' });
    } finally {
      client.close();
    }
  });
});

import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { sampleValue } from '../helpers/prometheus-text.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

const start = new Date('2026-12-14T09:00:00.000Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);
const echo = { action: 'POST', executionType: 0, commandName: 'EchoCommand' };
const body = '{"event":"charge.success","data":{"id":1,"reference":"silence-1"}}';
const sign = (secret: string) => createHmac('sha512', secret).update(body).digest('hex');

describe.each(engines)('a configuration that expects webhooks and falls silent, on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let now = start;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { clock: () => now });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  const metrics = async () => (await fetch(`${service.baseUrl}/metrics`)).text();
  const labels = { config_key: 'paystack-in', source: 'paystack' };

  it('is flagged on /metrics and in reads once longer than expectedEvery passes without an accepted webhook', async () => {
    const created = await createConfig(service.baseUrl, {
      ...echo,
      key: 'paystack-in',
      path: '/paystack-in',
      source: 'paystack',
      // Paystack's own caller addresses are the default allow-list; the test calls from loopback.
      allowableIPs: '127.0.0.1,::1',
      verification: { secret: 'sk_test_silence' },
      expectedEvery: 'pt15m',
    });
    expect(created.expectedEvery).toBe('PT15M');
    await createConfig(service.baseUrl, { ...echo, key: 'no-expectation', path: '/plain' });

    // Counted from its creation while it has accepted nothing.
    now = minutes(10);
    let text = await metrics();
    expect(sampleValue(text, 'bpm_webhook_seconds_since_last_accepted', labels)).toBe(600);
    expect(sampleValue(text, 'bpm_webhook_expected_every_seconds', labels)).toBe(900);
    expect(sampleValue(text, 'bpm_webhook_silent', labels)).toBe(0);
    expect(sampleValue(text, 'bpm_webhook_seconds_since_last_accepted', { config_key: 'no-expectation', source: 'custom' })).toBe(
      600,
    );
    // Without expectedEvery, nothing is silent.
    expect(sampleValue(text, 'bpm_webhook_silent', { config_key: 'no-expectation' })).toBeUndefined();

    expect(
      (await callWebhook(service.baseUrl, 'paystack-in', { body, headers: { 'x-paystack-signature': sign('sk_test_silence') } }))
        .status,
    ).toBe(200);
    // A forgery is stored as a rejected event, and is not a sign of life.
    now = minutes(20);
    expect(
      (await callWebhook(service.baseUrl, 'paystack-in', { body, headers: { 'x-paystack-signature': sign('forged') } })).status,
    ).toBe(401);

    now = minutes(24);
    text = await metrics();
    expect(sampleValue(text, 'bpm_webhook_seconds_since_last_accepted', labels)).toBe(14 * 60);
    expect(sampleValue(text, 'bpm_webhook_silent', labels)).toBe(0);
    // Another service process on the database, which accepted nothing itself, reports the same.
    const other = await startTestService(database.db, { clock: () => now, startWorker: false });
    try {
      const otherText = await (await fetch(`${other.baseUrl}/metrics`)).text();
      expect(sampleValue(otherText, 'bpm_webhook_seconds_since_last_accepted', labels)).toBe(14 * 60);
    } finally {
      await other.stop();
    }
    const list = await command(service.baseUrl, 'GetWebHookConfigListQuery', { searchText: 'paystack-in' });
    expect((list.data as { items: unknown[] }).items[0]).toMatchObject({
      expectedEvery: 'PT15M',
      lastAcceptedAt: '2026-12-14T09:10:00Z',
      silent: false,
    });

    now = minutes(26);
    text = await metrics();
    expect(sampleValue(text, 'bpm_webhook_silent', labels)).toBe(1);
    const read = await command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: created.id });
    expect(read.data).toMatchObject({ expectedEvery: 'PT15M', lastAcceptedAt: '2026-12-14T09:10:00Z', silent: true });

    // A disabled configuration answers 404 to its source: its silence is expected.
    await command(service.baseUrl, 'DeactivateWebHookConfigCommand', { id: created.id });
    const disabled = await command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: created.id });
    expect(disabled.data).toMatchObject({ silent: false });
    expect(sampleValue(await metrics(), 'bpm_webhook_silent', labels)).toBeUndefined();
  });

  it('takes whole seconds or an ISO-8601 duration of days to seconds, refuses months and intervals under a minute, and is removed by an empty update', async () => {
    const created = await createConfig(service.baseUrl, { ...echo, key: 'seconds', path: '/seconds', expectedEvery: '5400' });
    expect(created.expectedEvery).toBe('PT1H30M');
    for (const expectedEvery of ['P1M', 'PT30S', 'soon', 'P', 'PT']) {
      const refused = await command(service.baseUrl, 'UpdateWebHookConfigCommand', { id: created.id, expectedEvery });
      expect(refused.success, expectedEvery).toBe(false);
      expect(refused.errors.join(' '), expectedEvery).toContain('Expected every must be an ISO-8601 duration');
    }
    const daily = await command(service.baseUrl, 'UpdateWebHookConfigCommand', { id: created.id, expectedEvery: 'P1DT12H' });
    expect(daily.data).toMatchObject({ expectedEvery: 'P1DT12H' });
    const removed = await command(service.baseUrl, 'UpdateWebHookConfigCommand', { id: created.id, expectedEvery: '' });
    expect(removed.data).not.toHaveProperty('expectedEvery');
    expect(removed.data).not.toHaveProperty('silent');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { failingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

const start = new Date('2026-11-28T10:00:20.000Z');
const minute = (hhmm: string) => `2026-11-28T${hhmm}:00Z`;
const echo = { action: 'POST', executionType: 0, commandName: 'EchoCommand', responseMode: 'sync' };
/** Not valid UTF-8 (a lone 0xff), with the searched text after it: convert_from would fail on this body. */
const binaryBody = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from('ref=needle-7')]);

describe.each(engines)('event body search on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let now = start;
  const ids: Record<string, number> = {};
  let echoConfigId = 0;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const options = {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      extraCommands: [failingCommand],
      // The async config sets no maxAttempts: one failure is final (dead).
      delivery: { defaultMaxAttempts: 1 },
    };
    service = await startTestService(database.db, options);

    // 10:00: two events that succeed (one of them not UTF-8), one sync failure, one refused call.
    echoConfigId = (await createConfig(service.baseUrl, { ...echo, key: 'echo', path: '/echo' })).id;
    await createConfig(service.baseUrl, { ...echo, key: 'sync-fail', path: '/sync-fail', commandName: 'FailingTestCommand' });
    await createConfig(service.baseUrl, { ...echo, key: 'blocked', path: '/blocked', allowableIPs: '10.0.0.0/8' });
    ids.cafe = await stored(callWebhook(service.baseUrl, 'echo', { body: JSON.stringify({ shop: 'café', ref: 'needle-1' }) }));
    ids.binary = await stored(
      callWebhook(service.baseUrl, 'echo', { body: binaryBody, headers: { 'content-type': 'text/plain' } }),
    );
    ids.failed = await stored(callWebhook(service.baseUrl, 'sync-fail', { body: '{"ref":"other"}' }));
    expect((await callWebhook(service.baseUrl, 'blocked', { body: '{"ref":"needle-9"}' })).status).toBe(403);

    // 10:02: two async events that fail once and are dead.
    now = new Date(minute('10:02'));
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'settlement',
      path: '/settlement',
      commandName: 'FailingTestCommand',
      responseMode: 'async',
    });
    for (const n of [1, 2]) await stored(callWebhook(service.baseUrl, 'settlement', { body: JSON.stringify({ n }) }));
    await service.worker.drain();
    now = new Date(minute('10:30'));
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  describe.each(clientKinds)('over %s', (kind) => {
    let client: ManagementClient;
    beforeAll(() => {
      client = createManagementClient(kind, service.baseUrl, service.adminToken);
    });
    afterAll(() => {
      client.close();
    });
    const listedIds = async (fields: Record<string, string | number>) => {
      const outcome = await client.call('GetWebhookEventListQuery', { pageSize: 100, ...fields });
      expect(outcome.success).toBe(true);
      return (outcome.data as { items: { id: string }[] }).items.map((item) => Number(item.id)).sort((a, b) => a - b);
    };

    it('finds events whose raw body contains the text, bytes that are not UTF-8 included', async () => {
      // The refused call sent a needle too, but a refused request's body is not kept.
      expect(await listedIds({ bodyContains: 'needle-' })).toEqual([ids.cafe, ids.binary]);
      expect(await listedIds({ bodyContains: 'needle-7' })).toEqual([ids.binary]);
      expect(await listedIds({ bodyContains: 'needle-', status: 'succeeded' })).toEqual([ids.cafe, ids.binary]);
      expect(await listedIds({ bodyContains: 'needle-', configId: echoConfigId })).toEqual([ids.cafe, ids.binary]);
    });

    it('compares the UTF-8 bytes of the text exactly: accents and case matter, LIKE wildcards are plain characters', async () => {
      expect(await listedIds({ bodyContains: 'café' })).toEqual([ids.cafe]);
      expect(await listedIds({ bodyContains: 'cafe' })).toEqual([]);
      expect(await listedIds({ bodyContains: 'CAFÉ' })).toEqual([]);
      expect(await listedIds({ bodyContains: 'needle%' })).toEqual([]);
    });

    it('takes 200 characters, counted as characters, and refuses 201 with invalid_argument', async () => {
      expect(await listedIds({ bodyContains: 'é'.repeat(200) })).toEqual([]);
      const tooLong = await client.call('GetWebhookEventListQuery', { bodyContains: 'x'.repeat(201) });
      expect(tooLong).toMatchObject({
        success: false,
        message: 'Validation failed',
        errors: ['bodyContains must be at most 200 characters'],
        code: kind === 'gateway' ? 400 : 'invalid_argument',
      });
    });
  });

  // Last: it changes the events' statuses.
  it('replays only the events whose body contains the text when a bulk replay names it', async () => {
    const client = createManagementClient('gateway', service.baseUrl, service.adminToken);
    const replay = await client.call('ReplayWebhookEventCommand', { bodyContains: 'needle-7' });
    expect(replay).toMatchObject({ success: true, data: { replayedCount: 1, eventIds: [ids.binary] } });
  });
});

/** The stored event's id from a webhook's answer. */
async function stored(response: ReturnType<typeof callWebhook>): Promise<number> {
  const answer = await response;
  const id = Number(answer.headers.get('x-webhook-event-id'));
  expect(id).toBeGreaterThan(0);
  return id;
}

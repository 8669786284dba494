import { createHmac } from 'node:crypto';
import type { JsonObject } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findWebhookEventById, listWebhookEvents } from '../../src/store/webhook-events.js';
import {
  monoAccountUpdated,
  monoDebitSuccessful,
  monoMandateApproved,
  monoMandateDebitSuccessful,
} from '../fixtures/mono-events.js';
import { remitaCollectionCamel, remitaCollectionLower, remitaPayments } from '../fixtures/remita-notifications.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { postProvider } from '../helpers/provider-calls.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

const monoSecret = 'sec_live_7f3a9c2e1b8d4f6a';
const remitaToken = 'rmt-notify-2b7e91d0c4';
const mono = '/api/webhooks/mono/callback';
const remita = `/api/webhooks/remita?token=${remitaToken}`;
const collection = `/api/webhooks/remita/collection-notification?token=${remitaToken}`;
const start = new Date('2026-12-02T09:15:00.000Z');

describe.each(engines)('fixed provider endpoints on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      clock: () => start,
      startWorker: false,
      // The test client is the proxy: its X-Forwarded-For is believed.
      trustedProxies: '127.0.0.1',
      providers: {
        monoWebhookSecret: monoSecret,
        remitaAllowedIps: '127.0.0.1, 10.20.0.0/16',
        remitaNotificationToken: remitaToken,
      },
    });
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    // The truncate's change notification may arrive late: a previous test's reserved-key config must not linger.
    service.configs.invalidate();
  });

  const events = async (source?: string) =>
    (await listWebhookEvents(database.db, source ? { source } : {}, { offset: 0, limit: 1000 })).items.sort(
      (a, b) => a.id - b.id,
    );
  const postMono = (body: unknown, secret = monoSecret) =>
    postProvider(service.baseUrl, mono, body, { 'mono-webhook-secret': secret });

  it('stores a Mono debit once with its searchable fields, counts the repeat on it, and keeps it as stored without a configuration', async () => {
    const first = await postMono(monoDebitSuccessful);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ success: true, message: 'Webhook received' });
    const again = await postMono(monoDebitSuccessful);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const [stored, ...others] = await events('mono');
    expect(others).toEqual([]);
    expect(stored).toMatchObject({
      source: 'mono',
      configId: null,
      configKey: 'mono-callback',
      status: 'stored',
      idempotencyKey: 'evt_6759a1c2d8e4f0a1b2c3d4e5',
      headers: { 'mono-webhook-secret': '[redacted]' },
      fields: {
        event: 'direct_debit.payment_successful',
        family: 'direct-debit',
        accountId: '6752f0c1a9b8e7d6c5b4a321',
        customerId: '6752ef98a9b8e7d6c5b4a1f0',
        reference: 'LNREP-20261202-0001',
        amountKobo: 2500000,
      },
      trace: { verification: { scheme: 'mono-webhook-secret', form: 'secret', passed: true }, dedup: { repeats: 1 } },
    });
    expect(stored!.bodyPreview.toString()).toBe(JSON.stringify(monoDebitSuccessful));
  });

  it('recognises mandate and account events, dedups on a body hash without event_id, and filters the list by mandate', async () => {
    for (const body of [monoMandateApproved, monoMandateDebitSuccessful, monoAccountUpdated, monoMandateApproved]) {
      expect((await postMono(body)).status).toBe(200);
    }
    const stored = await events('mono');
    expect(stored.map((event) => event.fields)).toEqual([
      expect.objectContaining({
        family: 'mandate',
        mandateId: 'mmc_682b977ba8ebb9a6b8c76fb2',
        customerId: '6752ef98a9b8e7d6c5b4a999',
        amountKobo: 15000000,
      }),
      expect.objectContaining({
        family: 'mandate-debit',
        mandateId: 'mmc_682b977ba8ebb9a6b8c76fb2',
        reference: 'DBT-77812-0001',
        amountKobo: 1250000,
      }),
      expect.objectContaining({
        family: 'account',
        accountId: '6752f0c1a9b8e7d6c5b4a321',
        customerId: '6752ef98a9b8e7d6c5b4a1f0',
      }),
    ]);
    expect(stored[0]!.idempotencyKey).toMatch(/^sha256:[0-9a-f]{64}$/);

    const list = await command(service.baseUrl, 'GetWebhookEventListQuery', {
      source: 'mono',
      mandateId: 'mmc_682b977ba8ebb9a6b8c76fb2',
    });
    const items = (list.data as { items: { fields: { event: string } }[] }).items;
    expect(items.map((item) => item.fields.event).sort()).toEqual([
      'events.mandates.approved',
      'events.mandates.debit.successful',
    ]);
    const byAmount = await command(service.baseUrl, 'GetWebhookEventListQuery', { source: 'mono', amountKobo: 1250000 });
    expect((byAmount.data as { totalCount: number }).totalCount).toBe(1);
  });

  it('accepts the HMAC-SHA512 of the body as the Mono secret; refuses a wrong or missing one (stored as rejected) and malformed JSON (not stored)', async () => {
    const raw = JSON.stringify(monoMandateDebitSuccessful);
    const hmac = createHmac('sha512', monoSecret).update(raw).digest('hex');
    expect((await postProvider(service.baseUrl, mono, raw, { 'mono-webhook-secret': hmac })).status).toBe(200);
    await database.truncate();

    const wrong = await postMono(monoDebitSuccessful, 'sec_live_guess');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ success: false, message: 'Unauthorized' });
    expect((await postProvider(service.baseUrl, mono, monoDebitSuccessful)).status).toBe(401);
    const malformed = await postMono('{"event": "direct_debit.payment_successful",');
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors).toEqual(['The body is not valid JSON']);
    expect((await postMono({ data: {} })).status).toBe(400);
    expect(await events()).toMatchObject([
      {
        source: 'mono',
        status: 'rejected',
        idempotencyKey: null,
        trace: { verification: { scheme: 'mono-webhook-secret', passed: false, reason: 'mono-webhook-secret does not match' } },
      },
      {
        source: 'mono',
        status: 'rejected',
        trace: { verification: { scheme: 'mono-webhook-secret', passed: false, reason: 'mono-webhook-secret is missing' } },
      },
    ]);
  });

  it('stores one event per Remita payment of an array, deduplicated on rrr, with the token redacted', async () => {
    const first = await postProvider(service.baseUrl, remita, remitaPayments);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ success: true, message: 'Webhook received' });
    const repeat = await postProvider(service.baseUrl, remita, [remitaPayments[1]]);
    expect(repeat.status).toBe(200);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');

    const stored = await events('remita-payment');
    expect(stored.map((event) => [event.idempotencyKey, event.status, event.fields])).toEqual([
      ['110007752958', 'stored', expect.objectContaining({ reference: '110007752958', channel: 'BRANCH', amountKobo: 500000 })],
      ['110007752969', 'stored', expect.objectContaining({ channel: 'INTERNET', amountKobo: 1250050 })],
    ]);
    expect(stored[0]!.query).toEqual({ token: '[redacted]' });
    expect(JSON.parse(stored[1]!.bodyPreview.toString())).toEqual(remitaPayments[1]);
    expect(stored[0]!.trace).toMatchObject({ batch: { index: 0, count: 2 }, verification: { scheme: 'token', passed: true } });
    expect(stored[1]!.trace).toMatchObject({ dedup: { repeats: 1 } });
  });

  it('refuses Remita callers with a wrong or missing token (401) and addresses outside REMITA_ALLOWED_IPS through a trusted proxy (403)', async () => {
    const wrongToken = await postProvider(service.baseUrl, '/api/webhooks/remita?token=guess', remitaPayments);
    expect(wrongToken.status).toBe(401);
    expect((await postProvider(service.baseUrl, '/api/webhooks/remita', remitaPayments)).status).toBe(401);
    const outsider = await postProvider(service.baseUrl, remita, remitaPayments, { 'x-forwarded-for': '203.0.113.9' });
    expect(outsider.status).toBe(403);
    const insider = await postProvider(service.baseUrl, collection, remitaCollectionCamel, { 'x-forwarded-for': '10.20.3.4' });
    expect(insider.status).toBe(200);
    const [wrong, missing, outside, accepted, ...others] = await events();
    expect(others).toEqual([]);
    expect(accepted).toMatchObject({ source: 'remita-collection', status: 'stored', clientIp: '10.20.3.4' });
    // The refusals are kept as rejected events, the token redacted, with why they were refused.
    expect(wrong).toMatchObject({
      source: 'remita-payment',
      status: 'rejected',
      query: { token: '[redacted]' },
      trace: { verification: { scheme: 'token', passed: false, reason: 'token does not match' } },
    });
    expect(missing).toMatchObject({ status: 'rejected', trace: { verification: { reason: 'token is missing' } } });
    expect(outside).toMatchObject({ status: 'rejected', clientIp: '203.0.113.9', trace: { ip: { allowed: false } } });
  });

  it('reads collection notifications in either spelling, dedups on the transaction reference else mandate, date and amount', async () => {
    for (const body of [remitaCollectionCamel, remitaCollectionLower, remitaCollectionCamel, [remitaCollectionLower]]) {
      expect((await postProvider(service.baseUrl, collection, body)).status).toBe(200);
    }
    const stored = await events('remita-collection');
    expect(stored.map((event) => [event.idempotencyKey, event.fields])).toEqual([
      [
        'SD-20261128-0042',
        {
          event: 'collection',
          customerId: 'CUST-0042',
          mandateId: '200007681234',
          reference: 'SD-20261128-0042',
          amountKobo: 4500000,
          deductionDate: '2026-11-28',
          status: 'SUCCESSFUL',
        },
      ],
      [
        '200007681299|2026-11-28|3000000',
        {
          event: 'collection',
          customerId: 'CUST-0043',
          mandateId: '200007681299',
          amountKobo: 3000000,
          deductionDate: '2026-11-28',
          status: 'SUCCESSFUL',
        },
      ],
    ]);
    expect(JSON.parse(stored[0]!.bodyPreview.toString())).toMatchObject({ employerName: 'Federal Ministry of Works' });
    expect(stored.map((event) => event.trace.dedup)).toMatchObject([{ repeats: 1 }, { repeats: 1 }]);
  });

  it('dispatches to the reserved-key configuration of each execution type with the normalised fields beside the raw body', async () => {
    const unreachable = { action: 'POST', allowableIPs: '192.0.2.1', responseMode: 'async' };
    await createConfig(service.baseUrl, {
      ...unreachable,
      key: 'mono-callback',
      path: 'internal/mono',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    await createConfig(service.baseUrl, {
      ...unreachable,
      key: 'remita-payment',
      path: 'internal/remita',
      executionType: 1,
      commandChain: [{ commandName: 'EchoCommand', parameters: {} }],
    });
    await createConfig(service.baseUrl, {
      ...unreachable,
      key: 'remita-collection-notification',
      path: 'internal/collection',
      executionType: 2,
      executionCode: 'return { fields: context.fields, mandate: JSON.parse(context.rawBody).mandateRef };',
    });
    await postMono(monoMandateDebitSuccessful);
    await postProvider(service.baseUrl, remita, [remitaPayments[0]]);
    await postProvider(service.baseUrl, collection, remitaCollectionCamel);
    expect((await events()).map((event) => event.status)).toEqual(['queued', 'queued', 'queued']);
    expect(await service.worker.drain()).toBe(3);

    const [monoEvent, paymentEvent, collectionEvent] = await events();
    expect(monoEvent).toMatchObject({
      status: 'succeeded',
      result: { key: 'mono-callback', fields: { mandateId: 'mmc_682b977ba8ebb9a6b8c76fb2', amountKobo: 1250000 } },
    });
    expect(JSON.parse((monoEvent!.result as { rawBody: string }).rawBody)).toEqual(monoMandateDebitSuccessful);
    expect(paymentEvent).toMatchObject({
      status: 'succeeded',
      result: { fields: { reference: '110007752958', amountKobo: 500000 } },
    });
    expect(collectionEvent).toMatchObject({
      status: 'succeeded',
      result: { fields: { reference: 'SD-20261128-0042' }, mandate: '200007681234' },
    });
  });

  it("replays a stored event against the reserved-key configuration created since, with that configuration's maxAttempts", async () => {
    await postMono(monoDebitSuccessful);
    const [stored] = await events();
    await createConfig(service.baseUrl, {
      key: 'mono-callback',
      path: 'internal/mono',
      action: 'POST',
      allowableIPs: '192.0.2.1',
      executionType: 0,
      commandName: 'EchoCommand',
      maxAttempts: 3,
    });
    const replay = await command(service.baseUrl, 'ReplayWebhookEventCommand', { id: stored!.id });
    expect(replay.success).toBe(true);
    expect(await findWebhookEventById(database.db, stored!.id)).toMatchObject({ status: 'queued', maxAttempts: 3 });
    expect(await service.worker.drain()).toBe(1);
    expect(await findWebhookEventById(database.db, stored!.id)).toMatchObject({
      status: 'succeeded',
      result: { fields: { event: 'direct_debit.payment_successful' } },
    });
  });

  it('stores a Mono refusal as a rejected event with its request id, listed beside a router refusal as the same kind of event', async () => {
    await createConfig(service.baseUrl, {
      key: 'signed-router',
      path: '/signed-router',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      verification: { scheme: 'hmac-sha512', secret: 'router-secret', header: 'x-signature' },
    });
    service.configs.invalidate();
    const forged = await postProvider(service.baseUrl, mono, monoDebitSuccessful, {
      'mono-webhook-secret': createHmac('sha512', 'sec_live_guess').update(JSON.stringify(monoDebitSuccessful)).digest('hex'),
      'x-request-id': 'mono-forged-1',
    });
    expect(forged.status).toBe(401);
    const routerForged = await callWebhook(service.baseUrl, 'signed-router', {
      body: '{"event":"charge.success"}',
      headers: { 'x-signature': 'forged', 'x-request-id': 'router-forged-1' },
    });
    expect(routerForged.status).toBe(401);

    const list = await command(service.baseUrl, 'GetWebhookEventListQuery', { status: 'rejected' });
    const items = (list.data as { items: JsonObject[]; totalCount: number }).items;
    expect(items.map((item) => [item.source, item.status, item.requestId]).sort()).toEqual([
      ['mono', 'rejected', 'mono-forged-1'],
      ['router', 'rejected', 'router-forged-1'],
    ]);
    const monoItem = items.find((item) => item.source === 'mono')!;
    const monoEvent = await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id: monoItem.id as number });
    expect(monoEvent.data).toMatchObject({
      source: 'mono',
      status: 'rejected',
      key: 'mono-callback',
      path: '/api/webhooks/mono/callback',
      requestId: 'mono-forged-1',
      headers: { 'mono-webhook-secret': '[redacted]' },
      trace: {
        match: { source: 'mono', key: 'mono-callback', by: 'reserved-key' },
        verification: { scheme: 'mono-webhook-secret', passed: false, reason: 'mono-webhook-secret does not match' },
      },
    });
    // Neither refusal holds an idempotency key: the real notification with the same event_id is still taken.
    expect((await postMono(monoDebitSuccessful)).json.data).toEqual({ eventIds: [expect.any(Number)] });
    expect((await events('mono')).map((event) => event.status)).toEqual(['rejected', 'stored']);
  });

  it('stores at most REFUSED_STORED_PER_MINUTE refusals of a provider a minute, with or without its configuration', async () => {
    const bounded = await startTestService(database.db, {
      clock: () => start,
      startWorker: false,
      delivery: { refusedStoredPerMinute: 2 },
      providers: { monoWebhookSecret: monoSecret },
    });
    try {
      for (let n = 0; n < 4; n++) {
        expect((await postProvider(bounded.baseUrl, mono, monoDebitSuccessful, { 'mono-webhook-secret': 'guess' })).status).toBe(
          401,
        );
      }
    } finally {
      await bounded.stop();
    }
    expect((await events('mono')).map((event) => event.status)).toEqual(['rejected', 'rejected']);
    expect(await database.db('refused_requests').select('source', 'config_id', 'refused_total', 'not_stored_total')).toEqual([
      { source: 'mono', config_id: null, refused_total: expect.anything(), not_stored_total: expect.anything() },
    ]);
    const [row] = await database.db('refused_requests').select('refused_total', 'not_stored_total');
    expect([Number(row.refused_total), Number(row.not_stored_total)]).toEqual([4, 2]);
  });

  it('answers 503 for Mono while its secret is unset, and refuses every Remita caller while REMITA_ALLOWED_IPS is unset', async () => {
    const bare = await startTestService(database.db, { startWorker: false });
    try {
      const monoOff = await postProvider(bare.baseUrl, mono, monoDebitSuccessful, { 'mono-webhook-secret': monoSecret });
      expect(monoOff.status).toBe(503);
      expect(monoOff.json.errors).toEqual(['This endpoint is not configured: MONO_WEBHOOK_SECRET is not set']);
      expect((await postProvider(bare.baseUrl, '/api/webhooks/remita', remitaPayments)).status).toBe(403);
    } finally {
      await bare.stop();
    }
    // An unconfigured Mono is the service's own gap, not the caller's fault: logged and counted, not stored.
    expect(await events()).toMatchObject([{ source: 'remita-payment', status: 'rejected' }]);
  });
});

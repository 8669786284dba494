import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monoDebitSuccessful } from '../fixtures/mono-events.js';
import { remitaCollectionCamel, remitaPayments } from '../fixtures/remita-notifications.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { createConfig } from '../helpers/webhook-calls.js';

/**
 * Every answer of the webhook edges as the callers see it (status, the headers they may act on, the
 * body's exact bytes), compared with test/fixtures/webhook-answers.golden.json: it was recorded
 * before the router and the fixed endpoints were merged into one pipeline, and must not change.
 */
const goldenFile = new URL('../fixtures/webhook-answers.golden.json', import.meta.url);
const keptHeaders = ['content-type', 'content-length', 'allow', 'retry-after', 'idempotent-replayed', 'x-webhook-event-id'];

const monoSecret = 'sec_live_golden_5b1d';
const remitaToken = 'rmt-golden-7c2e';
const routerSecret = 'router-golden-secret';
const start = new Date('2026-12-09T08:00:00.000Z');
const maxBodyBytes = 64 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function post(baseUrl: string, path: string, body: string, headers: Record<string, string> = {}, method = 'POST') {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-request-id': 'golden-request', ...headers },
    ...(method !== 'GET' && { body }),
  });
  const text = await response.text();
  const kept = keptHeaders.flatMap((name) => {
    const value = response.headers.get(name);
    return value === null ? [] : [[name, value] as const];
  });
  return { status: response.status, headers: Object.fromEntries(kept), body: text } satisfies Answer;
}

const signed = (body: string) => ({ 'x-signature': createHmac('sha256', routerSecret).update(body).digest('hex') });
const json = (value: unknown) => JSON.stringify(value);
const tooLarge = json({ event: 'x', pad: 'x'.repeat(maxBodyBytes) });

describe.each(engines)('webhook answers on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let unconfigured: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const common = { clock: () => start, startWorker: false, trustedProxies: '127.0.0.1', maxBodyBytes };
    service = await startTestService(database.db, {
      ...common,
      providers: { monoWebhookSecret: monoSecret, remitaAllowedIps: '127.0.0.1', remitaNotificationToken: remitaToken },
    });
    unconfigured = await startTestService(database.db, common);
  }, 120_000);
  afterAll(async () => {
    await unconfigured?.stop();
    await service?.stop();
    await database?.destroy();
  });

  /** Runs the calls on an empty store (event ids start at 1), and returns their answers. */
  async function scenario(calls: (() => Promise<Answer>)[], setup?: () => Promise<void>): Promise<Answer[]> {
    await database.truncate();
    service.configs.invalidate();
    unconfigured.configs.invalidate();
    await setup?.();
    const answers: Answer[] = [];
    for (const call of calls) answers.push(await call());
    return answers;
  }

  const routerConfigs = async () => {
    const echo = { action: 'POST', executionType: 0, commandName: 'EchoCommand' };
    const verification = { scheme: 'hmac-sha256', secret: routerSecret, header: 'x-signature' };
    await createConfig(service.baseUrl, {
      key: 'golden-sync',
      path: '/golden/sync',
      action: 'POST',
      executionType: 2,
      executionCode: "return { zeta: body.data.reference, eventId: context.eventId, a: [1, 'x'], received: context.receivedAt };",
      verification,
    });
    await createConfig(service.baseUrl, { ...echo, key: 'golden-async', path: '/golden/async', responseMode: 'async' });
    service.configs.invalidate();
  };
  const reservedConfigs = async () => {
    for (const key of ['mono-callback', 'remita-payment', 'remita-collection-notification'])
      await createConfig(service.baseUrl, {
        key,
        path: `/reserved/${key}`,
        action: 'POST',
        executionType: 0,
        commandName: 'EchoCommand',
        allowableIPs: '192.0.2.1',
      });
    service.configs.invalidate();
  };

  it('answers the router, Mono and Remita exactly as recorded', async () => {
    const base = service.baseUrl;
    const mono = (body: string, secret = monoSecret) =>
      post(base, '/api/webhooks/mono/callback', body, { 'mono-webhook-secret': secret });
    const remita = (body: string, query = `?token=${remitaToken}`, headers: Record<string, string> = {}) =>
      post(base, `/api/webhooks/remita${query}`, body, headers);
    const collection = (body: string) => post(base, `/api/webhooks/remita/collection-notification?token=${remitaToken}`, body);
    const router = (path: string, body: string, headers: Record<string, string> = {}, method = 'POST') =>
      post(base, `/api/webhook/${path}`, body, headers, method);
    const sync = json({ event: 'charge.success', data: { reference: 'G-1', amount: 5000 } });
    const debit = json(monoDebitSuccessful);
    const payments = json(remitaPayments);

    const answers: Record<string, Answer[]> = {
      'mono: success, duplicate': await scenario([() => mono(debit), () => mono(debit)]),
      'mono: success with its reserved configuration': await scenario([() => mono(debit)], reservedConfigs),
      'mono: HMAC-SHA512 of the body': await scenario([
        () => mono(debit, createHmac('sha512', monoSecret).update(debit).digest('hex')),
      ]),
      'mono: bad secret, missing secret': await scenario([
        () => mono(debit, 'sec_live_guess'),
        () => post(base, '/api/webhooks/mono/callback', debit),
      ]),
      'mono: bad JSON, not a notification, too large': await scenario([
        () => mono('{"event": "direct_debit.payment_successful",'),
        () => mono(json({ data: {} })),
        () => mono(tooLarge),
      ]),
      'mono: secret not configured, GET': await scenario([
        () => post(unconfigured.baseUrl, '/api/webhooks/mono/callback', debit, { 'mono-webhook-secret': monoSecret }),
        () => post(base, '/api/webhooks/mono/callback', '', {}, 'GET'),
      ]),
      'remita: success, duplicate': await scenario([() => remita(payments), () => remita(json([remitaPayments[1]]))]),
      'remita: success with its reserved configuration': await scenario([() => remita(payments)], reservedConfigs),
      'remita: bad token, missing token, caller not allowed, not configured': await scenario([
        () => remita(payments, '?token=guess'),
        () => remita(payments, ''),
        () => remita(payments, `?token=${remitaToken}`, { 'x-forwarded-for': '203.0.113.9' }),
        () => post(unconfigured.baseUrl, `/api/webhooks/remita?token=${remitaToken}`, payments),
      ]),
      'remita: bad JSON, not a notification': await scenario([
        () => remita('[{"rrr": '),
        () => remita(json([{ amount: '5000.00' }])),
      ]),
      'remita collection: success, duplicate, bad body': await scenario([
        () => collection(json(remitaCollectionCamel)),
        () => collection(json(remitaCollectionCamel)),
        () => collection(json(['not an object'])),
      ]),
      'router: sync success, duplicate': await scenario(
        [
          () => router('golden/sync', sync, { ...signed(sync), 'idempotency-key': 'golden-1' }),
          () => router('golden/sync', sync, { ...signed(sync), 'idempotency-key': 'golden-1' }),
        ],
        routerConfigs,
      ),
      'router: async success, duplicate': await scenario(
        [
          () => router('golden/async', sync, { 'idempotency-key': 'golden-2' }),
          () => router('golden/async', sync, { 'idempotency-key': 'golden-2' }),
        ],
        routerConfigs,
      ),
      'router: bad signature, missing signature': await scenario(
        [() => router('golden/sync', sync, { 'x-signature': 'forged' }), () => router('golden/sync', sync)],
        routerConfigs,
      ),
      'router: bad JSON, too large, unsupported media type': await scenario(
        [
          () => router('golden/sync', '{"event":', signed('{"event":')),
          () => router('golden/async', tooLarge),
          () => router('golden/async', sync, { 'content-type': 'image/png' }),
        ],
        routerConfigs,
      ),
      'router: unknown configuration, other method': await scenario(
        [() => router('golden/nowhere', sync), () => router('golden/sync', '', {}, 'GET')],
        routerConfigs,
      ),
    };
    const golden = JSON.parse(await readFile(goldenFile, 'utf8')) as Record<string, Answer[]>;
    expect(answers).toEqual(golden);
  });
});

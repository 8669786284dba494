import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

// Signatures here are made from the published specs with node:crypto alone, not with src/.
const now = new Date('2026-11-28T10:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const body = '{"event":"charge.success","data":{"reference":"T-77","amount":5000}}';
const echo = { path: '/signed', action: 'POST', executionType: 0, commandName: 'EchoCommand' };

describe('webhook verification schemes', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { clock: () => now });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  const send = (headers: Record<string, string>, payload = body) =>
    callWebhook(service.baseUrl, 'signed', { body: payload, headers });
  const statuses = async (...calls: Promise<{ status: number }>[]) => (await Promise.all(calls)).map((r) => r.status);

  it('hmac-sha256: hex with a prefix, over the raw bytes, with rotated secrets', async () => {
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'hmac256',
      verification: {
        scheme: 'hmac-sha256',
        secrets: ['old-secret', 'new-secret'],
        header: 'X-Hub-Signature-256',
        prefix: 'sha256=',
      },
    });
    const sign = (secret: string, payload = body) => `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
    const stale = sign('new-secret', '{"event":"charge.success","data":{"reference":"T-76","amount":5000}}');
    expect(
      await statuses(
        send({ 'x-hub-signature-256': sign('new-secret') }),
        send({ 'x-hub-signature-256': sign('old-secret') }),
        send({ 'x-hub-signature-256': sign('wrong-secret') }),
        send({ 'x-hub-signature-256': stale }),
        send({ 'x-hub-signature-256': sign('new-secret').slice(7) }),
        send({}),
      ),
    ).toEqual([200, 200, 401, 401, 401, 401]);
  });

  it('hmac-sha512: base64 without a prefix', async () => {
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'hmac512',
      verification: { scheme: 'hmac-sha512', secret: 'paystack-secret', header: 'x-paystack-signature', encoding: 'base64' },
    });
    const sign = (secret: string, payload = body) => createHmac('sha512', secret).update(payload).digest('base64');
    expect(
      await statuses(
        send({ 'x-paystack-signature': sign('paystack-secret') }),
        send({ 'x-paystack-signature': sign('other') }),
        send({ 'x-paystack-signature': sign('paystack-secret', '{}') }),
        send({ 'x-paystack-signature': createHmac('sha512', 'paystack-secret').update(body).digest('hex') }),
      ),
    ).toEqual([200, 401, 401, 401]);
  });

  it('standard-webhooks: v1 signatures of id.timestamp.body, 5-minute tolerance, several signatures', async () => {
    const key = randomBytes(24);
    const secret = `whsec_${key.toString('base64')}`;
    await createConfig(service.baseUrl, { ...echo, key: 'stdwh', verification: { scheme: 'standard-webhooks', secret } });
    const headers = (timestamp: number, signingKey = key, id = 'msg_p5jXN8AQM9LWM0D4loKWxJek') => ({
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${createHmac('sha256', signingKey).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
    });
    const good = headers(nowSeconds);
    const several = { ...good, 'webhook-signature': `v1,bm90IGl0 ${good['webhook-signature']} v2,zzz` };
    // The first is answered before its repeat (same webhook-id) is sent: a repeat of an event still
    // running is answered 409, which is not what this test is about.
    expect(await statuses(send(good))).toEqual([200]);
    expect(
      await statuses(
        send(several),
        send(headers(nowSeconds - 299, key, 'msg_2Lw3vX7pQ0aTn5eRk9YsHd1c')),
        send(headers(nowSeconds, randomBytes(24))),
        send(headers(nowSeconds - 301)),
        send(headers(nowSeconds + 301)),
        send({ ...good, 'webhook-id': 'msg_other' }),
      ),
    ).toEqual([200, 200, 401, 401, 401, 401]);
  });

  it('standard-webhooks: refuses a secret that is not base64 of at least 24 bytes, at create and update', async () => {
    const problem = 'Verification secret must be base64 (optionally after "whsec_") of at least 24 bytes for standard-webhooks';
    const create = (secret: string) =>
      command(service.baseUrl, 'CreateWebHookConfigCommand', {
        ...echo,
        key: 'stdwh',
        verification: { scheme: 'standard-webhooks', secret },
      });
    for (const secret of ['whsec_', 'not base64!!', `whsec_${randomBytes(23).toString('base64')}`]) {
      expect(await create(secret)).toMatchObject({ success: false, message: 'Validation failed', errors: [problem], code: 400 });
    }
    const rotated = await command(service.baseUrl, 'CreateWebHookConfigCommand', {
      ...echo,
      key: 'stdwh',
      verification: { scheme: 'standard-webhooks', secrets: [`whsec_${randomBytes(24).toString('base64')}`, 'whsec_'] },
    });
    expect(rotated).toMatchObject({ errors: [problem.replace('Verification secret', 'Verification secret 2')], code: 400 });
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'stdwh',
      verification: { scheme: 'hmac-sha256', secret: 'short' },
    });
    const update = await command(service.baseUrl, 'UpdateWebHookConfigCommand', {
      id: config.id,
      verification: { scheme: 'standard-webhooks' },
    });
    expect(update).toMatchObject({ success: false, errors: [problem], code: 400 });
    const unprefixed = { scheme: 'standard-webhooks', secret: randomBytes(64).toString('base64') };
    expect(
      await command(service.baseUrl, 'CreateWebHookConfigCommand', {
        ...echo,
        key: 'stdwh-64',
        path: '/signed-64',
        verification: unprefixed,
      }),
    ).toMatchObject({ success: true });
  });

  it('stripe: t=...,v1=... over t.body, with tolerance', async () => {
    const secret = 'whsec_stripe_test_secret';
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'stripe',
      verification: { scheme: 'stripe', secret, toleranceSeconds: 60 },
    });
    const header = (timestamp: number, signingSecret = secret) =>
      `t=${timestamp},v1=${createHmac('sha256', signingSecret).update(`${timestamp}.${body}`).digest('hex')},v0=ignored`;
    expect(
      await statuses(
        send({ 'stripe-signature': header(nowSeconds) }),
        send({ 'stripe-signature': `t=${nowSeconds},v1=00ff,${header(nowSeconds).split(',')[1]}` }),
        send({ 'stripe-signature': header(nowSeconds, 'whsec_wrong') }),
        send({ 'stripe-signature': header(nowSeconds - 61) }),
        send({ 'stripe-signature': header(nowSeconds + 61) }),
        send({ 'stripe-signature': `v1=${createHmac('sha256', secret).update(body).digest('hex')}` }),
        send({}),
      ),
    ).toEqual([200, 200, 401, 401, 401, 401, 401]);
  });

  it('basic and api-key credentials, compared in constant time', async () => {
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'basic',
      verification: { scheme: 'basic', secrets: ['remita:s3cret', 'remita:n3xt'] },
    });
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'apikey',
      path: '/keyed',
      verification: { scheme: 'api-key', secret: 'k-123', header: 'Authorization', prefix: 'Bearer ' },
    });
    const basic = (pair: string) => ({ authorization: `Basic ${Buffer.from(pair).toString('base64')}` });
    const keyed = (headers: Record<string, string>) => callWebhook(service.baseUrl, 'keyed', { body, headers });
    expect(
      await statuses(
        send(basic('remita:s3cret')),
        send(basic('remita:n3xt')),
        send(basic('remita:wrong')),
        send({ authorization: 'Bearer remita:s3cret' }),
        send({}),
        keyed({ authorization: 'Bearer k-123' }),
        keyed({ authorization: 'Bearer k-124' }),
        keyed({ authorization: 'k-123' }),
        keyed({}),
      ),
    ).toEqual([200, 200, 401, 401, 401, 200, 401, 401, 401]);
  });

  it('keeps the failure reason in the trace only, redacts the credential, and never returns secrets', async () => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'hmac256',
      verification: { scheme: 'hmac-sha256', secret: 'top-secret', header: 'x-sig' },
    });
    const response = await send({ 'x-sig': 'deadbeef' });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      success: false,
      data: null,
      message: 'Unauthorized',
      errors: ['The request could not be verified'],
    });
    const [row] = await database.db('webhook_events').select('status', 'headers', 'trace');
    expect(row).toMatchObject({
      status: 'rejected',
      headers: { 'x-sig': '[redacted]' },
      trace: { verification: { scheme: 'hmac-sha256', passed: false, reason: 'signature does not match' } },
    });
    const updated = await command(service.baseUrl, 'UpdateWebHookConfigCommand', {
      id: config.id,
      verification: { scheme: 'hmac-sha256', secrets: ['top-secret', 'next-secret'], header: 'x-sig' },
    });
    const answers = [
      config,
      updated,
      await command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: config.id }),
      await command(service.baseUrl, 'GetWebHookConfigListQuery', {}),
      await command(service.baseUrl, 'LookupWebHookByKeyCommand', { key: '' }),
      await command(service.baseUrl, 'GetAuditLogQuery', {}),
    ];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toMatch(/top-secret|next-secret/);
    expect(updated.data).toMatchObject({ verification: { scheme: 'hmac-sha256', secretCount: 2 } });
  });
});

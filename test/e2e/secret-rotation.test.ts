import { createHmac } from 'node:crypto';
import type { JsonObject } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRetentionJob } from '../../src/delivery/retention-job.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type Outcome } from '../helpers/management-clients.js';
import { silentLog } from '../helpers/silent-log.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

// Signatures are made from the published specs with node:crypto alone, not with src/.
const body = '{"event":"transfer.success","data":{"reference":"R-1"}}';
const echo = { action: 'POST', executionType: 0, commandName: 'EchoCommand' };
const hmacHeader = 'x-signature';
const hmacVerification = (secret: string) => ({ scheme: 'hmac-sha256', secret, header: hmacHeader });
const signHmac = (secret: string) => createHmac('sha256', secret).update(body).digest('hex');
const firstSecret = 'first-secret-0123456789';
const secondSecret = 'second-secret-0123456789';

/** Standard Webhooks' signature (standardwebhooks.com): base64 HMAC-SHA256 of id.timestamp.body with the key after whsec_. */
function standardWebhooksHeaders(secret: string, id = 'msg_1'): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

interface Rotated {
  config: JsonObject & { verification: { secretCount: number }; oldSecrets?: { expiresAt: string[] }; version: number };
  secret?: string;
  oldSecretsExpireAt?: string;
}

describe.each(engines)('rotating a webhook secret on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  /** A service whose process clock runs two days ahead of the database's. */
  let aheadService: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { startWorker: false });
    aheadService = await startTestService(database.db, {
      startWorker: false,
      clock: () => new Date(Date.now() + 2 * 86_400_000),
    });
  });
  afterAll(async () => {
    await aheadService?.stop();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  const hmacStatus = async (key: string, secret: string, base = service.baseUrl) =>
    (await callWebhook(base, key, { body, headers: { [hmacHeader]: signHmac(secret) } })).status;
  /** The statuses once the router has the rotation (another process learns it by NOTIFY, this one at once). */
  const statusesSettle = (read: () => Promise<number[]>, expected: number[]) =>
    eventually(async () => {
      const statuses = await read();
      return JSON.stringify(statuses) === JSON.stringify(expected) ? statuses : undefined;
    });
  const rotate = (fields: JsonObject) => command(service.baseUrl, 'RotateWebHookSecretCommand', fields);
  const storedOldSecrets = async (id: number) =>
    ((await database.db('webhook_configs').where({ id }).first('retiring_secrets')) as { retiring_secrets: unknown[] })
      .retiring_secrets;

  it.each(clientKinds)(
    'generates a Standard Webhooks secret over %s, answers it once, and both secrets verify until the expiry',
    async (kind) => {
      const old = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      const config = await createConfig(service.baseUrl, {
        ...echo,
        key: `std-${kind}`,
        path: `/std-${kind}`,
        verification: { scheme: 'standard-webhooks', secret: old },
      });
      const client = createManagementClient(kind, service.baseUrl, service.adminToken);
      try {
        const before = Date.now();
        const outcome = await client.call('RotateWebHookSecretCommand', { id: config.id });
        expect(outcome).toMatchObject({ success: true, message: 'Webhook secret rotated successfully' });
        const rotated = outcome.data as Rotated;
        expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
        expect(Buffer.from(rotated.secret!.slice(6), 'base64')).toHaveLength(32);
        expect(rotated.config).toMatchObject({ id: config.id, version: config.version + 1, verification: { secretCount: 2 } });
        const expiry = Date.parse(rotated.oldSecretsExpireAt!);
        expect(expiry - before).toBeGreaterThan(86_400_000 - 60_000);
        expect(expiry - before).toBeLessThan(86_400_000 + 60_000);
        expect(rotated.config.oldSecrets).toEqual({ expiresAt: [rotated.oldSecretsExpireAt] });

        const send = (secret: string) =>
          callWebhook(service.baseUrl, `std-${kind}`, { body, headers: standardWebhooksHeaders(secret) });
        const wrong = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
        expect([(await send(rotated.secret!)).status, (await send(old)).status, (await send(wrong)).status]).toEqual([
          200, 200, 401,
        ]);

        // Never readable again: reads show the count and the old secret's expiry only.
        const read = await client.call('GetWebHookConfigByIdQuery', { id: config.id });
        expect(JSON.stringify(read.data)).not.toContain(rotated.secret!.slice(6, 30));
        expect(read.data).toMatchObject({
          verification: { secretCount: 2 },
          oldSecrets: { expiresAt: [rotated.oldSecretsExpireAt] },
        });
      } finally {
        client.close();
      }
    },
  );

  it('takes a given secret, answers none, and drops the old one at a 1 s expiry on the database clock', async () => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'given',
      path: '/given',
      verification: hmacVerification(firstSecret),
    });
    const outcome = await rotate({ id: config.id, secret: secondSecret, expiresInSeconds: 1 });
    expect(outcome.success).toBe(true);
    const rotated = outcome.data as Rotated;
    expect(rotated.secret).toBeUndefined();
    expect(JSON.stringify(outcome)).not.toContain(secondSecret);
    const both = [await hmacStatus('given', secondSecret), await hmacStatus('given', firstSecret)];
    // The old secret may already be gone on a slow machine; never the new one.
    expect(both[0]).toBe(200);
    if (Date.now() < Date.parse(rotated.oldSecretsExpireAt!) - 200) expect(both[1]).toBe(200);

    await statusesSettle(
      async () => [await hmacStatus('given', secondSecret), await hmacStatus('given', firstSecret)],
      [200, 401],
    );
    const read = await command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: config.id });
    expect(read.data).toMatchObject({ verification: { secretCount: 1 } });
    expect((read.data as JsonObject).oldSecrets).toBeUndefined();

    // Still stored until the retention job (or the next rotation) takes it out.
    expect(await storedOldSecrets(config.id)).toHaveLength(1);
    await createRetentionJob({ db: database.db, log: silentLog, clock: () => new Date(), retentionDays: 0 }).runOnce();
    expect(await storedOldSecrets(config.id)).toEqual([]);
  });

  it('keeps the old secret for a process whose own clock is two days ahead: the expiry is the database clock’s', async () => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'skew',
      path: '/skew',
      verification: hmacVerification(firstSecret),
    });
    expect((await rotate({ id: config.id, secret: secondSecret })).success).toBe(true);
    await statusesSettle(
      async () => [
        await hmacStatus('skew', firstSecret, aheadService.baseUrl),
        await hmacStatus('skew', secondSecret, aheadService.baseUrl),
      ],
      [200, 200],
    );
    const read = await createManagementClient('gateway', aheadService.baseUrl, aheadService.adminToken).call(
      'GetWebHookConfigByIdQuery',
      {
        id: config.id,
      },
    );
    expect(read.data).toMatchObject({ verification: { secretCount: 2 } });
  });

  it('drops the old secrets at once with expiresInSeconds 0, and the next rotation removes expired ones from storage', async () => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'now',
      path: '/now',
      verification: hmacVerification(firstSecret),
    });
    const outcome = await rotate({ id: config.id, secret: secondSecret, expiresInSeconds: 0 });
    expect(outcome.data).toMatchObject({ config: { verification: { secretCount: 1 } } });
    expect((outcome.data as Rotated).oldSecretsExpireAt).toBeUndefined();
    expect([await hmacStatus('now', secondSecret), await hmacStatus('now', firstSecret)]).toEqual([200, 401]);

    const third = 'third-secret-0123456789';
    await rotate({ id: config.id, secret: third, expiresInSeconds: 1 });
    await statusesSettle(async () => [await hmacStatus('now', secondSecret)], [401]);
    const fourth = await rotate({ id: config.id, secret: 'fourth-secret-0123456789', expiresInSeconds: 600 });
    expect(fourth.data).toMatchObject({ config: { verification: { secretCount: 2 } } });
    const stored = (await storedOldSecrets(config.id)) as { secret: string; expiresAt: string }[];
    expect(stored.map(({ secret, expiresAt }) => [secret, Date.parse(expiresAt)])).toEqual([
      [third, Date.parse((fourth.data as Rotated).oldSecretsExpireAt!)],
    ]);
  });

  it('records every rotation in the audit log, before and after, without the secret', async () => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'audited',
      path: '/audited',
      verification: hmacVerification(firstSecret),
    });
    const rotated = (await rotate({ id: config.id })).data as Rotated;
    const log = await command(service.baseUrl, 'GetAuditLogQuery', { entityType: 'webhook_config', entityId: String(config.id) });
    const [entry] = (log.data as { items: JsonObject[] }).items;
    expect(entry).toMatchObject({
      command: 'RotateWebHookSecretCommand',
      before: { verification: { secretCount: 1 } },
      after: { verification: { secretCount: 2 }, oldSecrets: { expiresAt: [rotated.oldSecretsExpireAt] } },
    });
    expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(log)).not.toContain(rotated.secret);
    expect(JSON.stringify(log)).not.toContain(firstSecret);
  });

  it('generates in the form of a source (Paystack: hex; Svix: whsec_) and of Basic (keeping the user)', async () => {
    const paystack = await createConfig(service.baseUrl, {
      ...echo,
      key: 'paystack',
      path: '/paystack',
      source: 'paystack',
      verification: { secret: 'sk_test_0123456789abcdef' },
    });
    expect(((await rotate({ id: paystack.id })).data as Rotated).secret).toMatch(/^[0-9a-f]{64}$/);
    const svix = await createConfig(service.baseUrl, {
      ...echo,
      key: 'svix',
      path: '/svix',
      source: 'svix',
      verification: { secret: `whsec_${Buffer.alloc(24, 1).toString('base64')}` },
    });
    expect(((await rotate({ id: svix.id })).data as Rotated).secret).toMatch(/^whsec_/);
    const basic = await createConfig(service.baseUrl, {
      ...echo,
      key: 'basic',
      path: '/basic',
      verification: { scheme: 'basic', secret: 'bank:old-password' },
    });
    const user = ((await rotate({ id: basic.id })).data as Rotated).secret!;
    expect(user).toMatch(/^bank:[0-9a-f]{64}$/);
    const basicStatus = async (credentials: string) =>
      (
        await callWebhook(service.baseUrl, 'basic', {
          body,
          headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
        })
      ).status;
    expect([await basicStatus(user), await basicStatus('bank:old-password'), await basicStatus('bank:other')]).toEqual([
      200, 200, 401,
    ]);
  });

  it('an update that sets new secrets replaces the old ones too', async () => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'updated',
      path: '/updated',
      verification: hmacVerification(firstSecret),
    });
    await rotate({ id: config.id, secret: secondSecret });
    const updated = await command(service.baseUrl, 'UpdateWebHookConfigCommand', {
      id: config.id,
      verification: hmacVerification('third-secret-0123456789'),
    });
    expect(updated.data).toMatchObject({ verification: { secretCount: 1 } });
    expect([
      await hmacStatus('updated', 'third-secret-0123456789'),
      await hmacStatus('updated', firstSecret),
      await hmacStatus('updated', secondSecret),
    ]).toEqual([200, 401, 401]);
  });

  it.each(clientKinds)('refuses a bad rotation over %s in the documented error form', async (kind) => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: `bad-${kind}`,
      path: `/bad-${kind}`,
      verification: hmacVerification(firstSecret),
    });
    const open = await createConfig(service.baseUrl, { ...echo, key: `open-${kind}`, path: `/open-${kind}` });
    const client = createManagementClient(kind, service.baseUrl, service.adminToken);
    const codes = (gateway: number, rpc: string) => (kind === 'gateway' ? gateway : rpc);
    const failure = (outcome: Outcome) => ({
      message: outcome.message,
      errors: outcome.errors,
      code: outcome.code,
      success: outcome.success,
    });
    try {
      expect(failure(await client.call('RotateWebHookSecretCommand', { id: 999_999 }))).toEqual({
        success: false,
        message: 'Rotation failed',
        errors: ['Configuration not found'],
        code: codes(404, 'not_found'),
      });
      expect(
        failure(await client.call('RotateWebHookSecretCommand', { id: config.id, expiresInSeconds: -1, secret: 'short' })),
      ).toEqual({
        success: false,
        message: 'Validation failed',
        errors: ['Expires in seconds must be between 0 and 2592000', 'Secret must be at least 16 characters'],
        code: codes(400, 'invalid_argument'),
      });
      expect(failure(await client.call('RotateWebHookSecretCommand', { id: config.id, secret: '   ' }))).toMatchObject({
        errors: ['Secret must not be blank (leave it empty to have one generated)'],
        code: codes(400, 'invalid_argument'),
      });
      expect(failure(await client.call('RotateWebHookSecretCommand', { id: config.id, secret: firstSecret }))).toMatchObject({
        errors: ['Secret must differ from the secrets it replaces'],
      });
      expect(failure(await client.call('RotateWebHookSecretCommand', { id: open.id }))).toEqual({
        success: false,
        message: 'Rotation failed',
        errors: ['Configuration verifies no secret: there is none to rotate'],
        code: codes(400, 'failed_precondition'),
      });
      // Nothing changed: the first secret alone still verifies.
      const read = await client.call('GetWebHookConfigByIdQuery', { id: config.id });
      expect(read.data).toMatchObject({ version: config.version, verification: { secretCount: 1 } });
    } finally {
      client.close();
    }
  });

  it('answers the legacy JSON endpoint byte for byte in its envelope, refusing a Standard Webhooks secret that decodes to no key', async () => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'legacy',
      path: '/legacy',
      verification: { scheme: 'standard-webhooks', secret: `whsec_${Buffer.alloc(32, 3).toString('base64')}` },
    });
    const post = async (payload: object) => {
      const response = await fetch(`${service.baseUrl}/api/bpm/cmd`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${service.adminToken}` },
        body: JSON.stringify(payload),
      });
      return { status: response.status, text: await response.text() };
    };
    expect(await post({ $type: 'RotateWebHookSecretCommand', id: config.id, secret: 'whsec_not base64 at all!!' })).toEqual({
      status: 400,
      text: '{"success":false,"data":null,"message":"Validation failed","errors":["Secret must be base64 (optionally after \\"whsec_\\") of at least 24 bytes"]}',
    });
    const given = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
    const ok = await post({ cmd: 'RotateWebHookSecretCommand', data: { id: config.id, secret: given, expiresInSeconds: 60 } });
    expect(ok.status).toBe(200);
    const answer = JSON.parse(ok.text) as { success: boolean; message: string; data: Rotated };
    expect(answer).toMatchObject({
      success: true,
      message: 'Webhook secret rotated successfully',
      data: { config: { id: config.id, key: 'legacy' } },
    });
    expect(Object.keys(answer.data)).toEqual(['config', 'oldSecretsExpireAt']);
    expect(answer.data.oldSecretsExpireAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('refuses a rotation past ten accepted secrets', async () => {
    const config = await createConfig(service.baseUrl, {
      ...echo,
      key: 'many',
      path: '/many',
      verification: hmacVerification(firstSecret),
    });
    for (let i = 0; i < 9; i += 1) expect((await rotate({ id: config.id })).success).toBe(true);
    const refused = await rotate({ id: config.id });
    expect(refused).toMatchObject({ success: false, message: 'Rotation failed', code: 400 });
    expect(refused.errors[0]).toMatch(/^A configuration accepts at most 10 secrets at once/);
    expect((await rotate({ id: config.id, expiresInSeconds: 0 })).data).toMatchObject({
      config: { verification: { secretCount: 1 } },
    });
  });
});

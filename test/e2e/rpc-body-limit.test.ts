import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

const maxBodyBytes = 16 * 1024;

describe('MAX_BODY_BYTES on gRPC and Connect calls', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { maxBodyBytes });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it.each(['connect', 'grpc'] as const)('refuses an oversized request over %s and stores nothing', async (kind) => {
    const client = createManagementClient(kind, service.baseUrl, service.adminToken);
    try {
      const outcome = await client.call('CreateWebHookConfigCommand', {
        key: 'oversized',
        action: 'POST',
        executionType: 0,
        commandName: 'EchoCommand',
        description: 'x'.repeat(maxBodyBytes),
      });
      expect(outcome).toMatchObject({ success: false, code: 'resource_exhausted' });
      const [{ n }] = (await database.db('webhook_configs').count({ n: '*' })) as [{ n: number | string }];
      expect(Number(n)).toBe(0);
    } finally {
      client.close();
    }
  });

  it('refuses a declared oversized body before reading it', async () => {
    const response = await fetch(`${service.baseUrl}/bpm.webhooks.v1.WebHookConfigService/LookupWebHookByKey`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.adminToken}` },
      body: JSON.stringify({ key: 'x'.repeat(10 * maxBodyBytes) }),
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ code: 'resource_exhausted' });
  });
});

import { create, fromJson, toJson } from '@bufbuild/protobuf';
import { ValueSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionRequestSchema } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

function request(commandName: string) {
  return create(ExecutionRequestSchema, {
    executionType: 0,
    commandName,
    context: {
      body: fromJson(ValueSchema, { event: 'charge.success', amount: 5000 }),
      rawBody: new TextEncoder().encode('{"event":"charge.success","amount":5000}'),
      headers: { 'content-type': 'application/json' },
      method: 'POST',
      path: 'paystack/charge',
      key: 'paystack-charge',
      clientIp: '52.31.139.75',
      eventId: 7n,
      receivedAt: timestampFromDate(new Date('2026-11-28T10:00:00Z')),
      attempt: 1,
    },
  });
}

describe('ExecutionService, in process, type 0', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db);
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('runs EchoCommand with the webhook context', async () => {
    const result = await service.execution.execute(request('EchoCommand'));
    expect(result.success).toBe(true);
    expect(toJson(ValueSchema, result.data!)).toMatchObject({
      body: { event: 'charge.success', amount: 5000 },
      key: 'paystack-charge',
      eventId: 7,
      receivedAt: '2026-11-28T10:00:00.000Z',
      attempt: 1,
    });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('refuses a management command: a webhook cannot change configurations', async () => {
    const result = await service.execution.execute(request('DeleteWebHookConfigCommand'));
    expect(result).toMatchObject({ success: false, errors: ['Not allowed to run DeleteWebHookConfigCommand'] });
  });

  it('fails clearly for a command that is not registered', async () => {
    const result = await service.execution.execute(request('NoSuchCommand'));
    expect(result).toMatchObject({ success: false, errors: ['Command "NoSuchCommand" is not registered'] });
  });
});

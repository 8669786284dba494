import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxFormFields } from '../../src/router/parse-body.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const mebibyte = 1024 * 1024;

/** `a=0&a=1&...` up to `bytes` long. */
function repeatedField(bytes: number): string {
  const parts: string[] = [];
  for (let i = 0, length = 0; length + String(i).length + 3 <= bytes; i += 1) {
    parts.push(`a=${i}`);
    length += String(i).length + 3;
  }
  return parts.join('&');
}

describe.each(engines)('form bodies are parsed in linear time, with a cap on their fields, on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { startWorker: false });
    await createConfig(service.baseUrl, {
      key: 'form',
      path: '/form',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('refuses a 1 MiB body of one repeated field with 400 and a reason, at once, while /healthz answers', async () => {
    const body = repeatedField(mebibyte);
    const started = performance.now();
    const [refused, health] = await Promise.all([
      callWebhook(service.baseUrl, 'form', { body, headers: form }),
      fetch(`${service.baseUrl}/healthz`),
    ]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(health.status).toBe(200);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      success: false,
      data: null,
      message: 'Invalid body',
      errors: [`The form has more than ${maxFormFields} fields`],
    });
  });

  it(`runs a 1 MiB body of ${maxFormFields} repeated fields, all of them in order`, async () => {
    const value = 'x'.repeat(Math.floor(mebibyte / maxFormFields) - 10);
    const body = Array.from({ length: maxFormFields }, (_, i) => `a=${i}${value}`).join('&');
    const echoed = await callWebhook(service.baseUrl, 'form', { body, headers: form });
    expect(echoed.status).toBe(200);
    const fields = (echoed.json.data as { body: { a: string[] } }).body.a;
    expect(fields).toHaveLength(maxFormFields);
    expect(fields.map((field) => Number.parseInt(field, 10))).toEqual(Array.from({ length: maxFormFields }, (_, i) => i));
  });
});

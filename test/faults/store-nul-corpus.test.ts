import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { wellFormedHostileString } from '../helpers/hostile-strings.js';
import { createCountingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig, eventErrors } from '../helpers/webhook-calls.js';
import { redactQuery } from '../../src/router/redact-query.js';

/** Bytes PostgreSQL refuses in jsonb, through every way into the store: body, query, result, logs, errors. */
describe.each(engines)('the NUL corpus on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  const counting = createCountingCommand();
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { startWorker: false, extraCommands: [counting.command] });
    await createConfig(service.baseUrl, {
      key: 'echo-sync',
      path: '/echo/sync',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    await createConfig(service.baseUrl, {
      key: 'count-sync',
      path: '/count/sync',
      action: 'POST',
      executionType: 0,
      commandName: 'CountingTestCommand',
    });
    await createConfig(service.baseUrl, {
      key: 'echo-async',
      path: '/echo/async',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'async',
    });
    await createConfig(service.baseUrl, {
      key: 'script-nul',
      path: '/script/nul',
      action: 'POST',
      executionType: 2,
      timeoutMs: 2_000,
      executionCode: `console.info('log\\u0000line'); if (body.fail) throw new Error('bad\\u0000byte'); return { q: context.query, s: 'a\\u0000b' };`,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  const readEvent = async (id: unknown) => {
    const outcome = await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id: Number(id) });
    expect(outcome.success).toBe(true);
    return outcome.data as {
      status: string;
      attemptCount: number;
      query: object;
      headers: Record<string, string>;
      result?: unknown;
      errors: string[];
      attempts: { outcome: string; logs?: unknown; errors: string[] }[];
    };
  };
  const eventCount = async () =>
    Number(((await database.db('webhook_events').count({ n: '*' })) as { n: string | number }[])[0]!.n);

  it('runs a sync event whose body holds \\u0000 once and answers its result', async () => {
    const response = await callWebhook(service.baseUrl, 'count/sync', { body: '{"x":"\\u0000"}' });
    expect(response.status).toBe(200);
    expect(response.json.data).toMatchObject({ body: { x: '\u0000' } });
    const eventId = Number(response.headers.get('x-webhook-event-id'));
    const event = await readEvent(eventId);
    expect(event).toMatchObject({ status: 'succeeded', attemptCount: 1, result: { body: { x: '\u0000' } } });
    expect(event.attempts.map((a) => a.outcome)).toEqual(['succeeded']);
    expect(counting.runs.get(eventId)).toBe(1);
  });

  it('accepts ?x=%00 and a NUL key in the query string, and reads them back', async () => {
    const response = await callWebhook(service.baseUrl, 'echo/async?x=%00&%00=y&z=%EE%80%80', { body: '{}' });
    expect(response.status).toBe(202);
    expect(await service.worker.drain()).toBe(1);
    const event = await readEvent((response.json.data as { eventId: number }).eventId);
    expect(event).toMatchObject({ status: 'succeeded', attemptCount: 1, query: { x: '\u0000', '\u0000': 'y', z: '\uE000' } });
  });

  it("stores a script's result, logs and errors holding \\u0000", async () => {
    const ok = await callWebhook(service.baseUrl, 'script/nul?k=%00', { body: '{}' });
    expect(ok.json).toMatchObject({ success: true });
    expect(ok.status).toBe(200);
    expect(ok.json.data).toEqual({ q: { k: '\u0000' }, s: 'a\u0000b' });
    const event = await readEvent(ok.headers.get('x-webhook-event-id'));
    expect(event).toMatchObject({ status: 'succeeded', attemptCount: 1, result: { q: { k: '\u0000' }, s: 'a\u0000b' } });
    expect(JSON.stringify(event.attempts[0]!.logs)).toContain('log\\u0000line');

    const failed = await callWebhook(service.baseUrl, 'script/nul', { body: '{"fail":true}' });
    expect(failed.status).toBe(500);
    expect((await eventErrors(service.baseUrl, failed)).join()).toContain('bad\u0000byte');
    const failedEvent = await readEvent(failed.headers.get('x-webhook-event-id'));
    expect(failedEvent).toMatchObject({ status: 'failed', attemptCount: 1 });
    expect(failedEvent.errors.join()).toContain('bad\u0000byte');
  });

  it('stores any body, query and header once, runs it once and reads back what was sent (property)', async () => {
    const headerValue = fc.string({
      unit: fc
        .integer({ min: 0x21, max: 0xff })
        .filter((c) => c !== 0x7f)
        .map((c) => String.fromCharCode(c)),
      maxLength: 10,
    });
    await fc.assert(
      fc.asyncProperty(
        wellFormedHostileString(),
        fc.dictionary(wellFormedHostileString(6), wellFormedHostileString(), { maxKeys: 3 }),
        headerValue,
        async (text, sentQuery, note) => {
          // Parameters named like credentials (`key`, `sig`, ...) are stored redacted, as documented.
          const query = redactQuery(sentQuery);
          const before = await eventCount();
          const search = Object.entries(sentQuery)
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
            .join('&');
          const response = await callWebhook(service.baseUrl, `echo/sync?${search}`, {
            body: JSON.stringify({ text }),
            headers: { 'x-note': note },
          });
          expect(response.status).toBe(200);
          expect(response.json.data).toMatchObject({ body: { text }, query });
          expect(await eventCount()).toBe(before + 1);
          const event = await readEvent(response.headers.get('x-webhook-event-id'));
          expect(event).toMatchObject({ status: 'succeeded', attemptCount: 1, result: { body: { text }, query } });
          expect(event.query).toEqual(query);
          expect(event.headers['x-note']).toBe(note);
          expect(event.attempts.map((a) => a.outcome)).toEqual(['succeeded']);
        },
      ),
      { numRuns: 20 },
    );
  });
});

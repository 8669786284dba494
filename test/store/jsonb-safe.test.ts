import type { JsonObject } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeStoredText, fromJsonbColumn, toJsonbParam, unescapeStoredText } from '../../src/store/jsonb-safe.js';
import { finishEventAttempt, listEventAttempts, type AttemptFinish } from '../../src/store/webhook-event-attempts.js';
import { insertWebhookEvents } from '../../src/store/insert-webhook-events.js';
import { findWebhookEventById, noteRepeatedDelivery } from '../../src/store/webhook-events.js';
import { settleAttempts } from '../../src/store/settle-attempts.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { hostileJson, hostileString } from '../helpers/hostile-strings.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character under test
const refusedByPostgres = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const at = new Date('2026-12-02T10:00:00.000Z');

describe('the escape of strings PostgreSQL refuses', () => {
  it('is undone exactly, and leaves a string without such code units as it is', () => {
    fc.assert(
      fc.property(hostileString(40), (text) => {
        const escaped = escapeStoredText(text);
        expect(escaped).not.toMatch(refusedByPostgres);
        expect(unescapeStoredText(escaped)).toBe(text);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character under test
        if (!/[\u0000\uE000\uD800-\uDFFF]/.test(text)) expect(escaped).toBe(text);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('a jsonb parameter', () => {
  it('holds no string or key PostgreSQL refuses, reads back as written, and is plain JSON when nothing needed escaping', () => {
    fc.assert(
      // JSON null is SQL NULL (no text).
      fc.property(
        hostileJson().filter((value) => value !== null),
        (value) => {
          const text = toJsonbParam(value)!;
          const strings: string[] = [];
          JSON.parse(text, (key, item) => {
            strings.push(key);
            if (typeof item === 'string') strings.push(item);
            return item;
          });
          for (const string of strings) expect(string).not.toMatch(refusedByPostgres);
          expect(fromJsonbColumn(JSON.parse(text))).toEqual(value);
          if (!strings.some((string) => string.includes('\uE000'))) expect(text).toBe(JSON.stringify(value));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('is read back as the very value when nothing in it was escaped', () => {
    const value = { a: ['b', { c: 1 }], d: null };
    expect(fromJsonbColumn(value)).toBe(value);
    expect(fromJsonbColumn({ '\uE0000000': 'x' })).toEqual({ '\u0000': 'x' });
  });
});

describe.each(engines)('jsonb and text columns of events on %s', (engine) => {
  let database: TestDatabase;
  let configId = 0;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());

  it('read back every header, query parameter, trace, path, key, result, error, log and step as written', async () => {
    const record = fc.dictionary(hostileString(), hostileString(), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          headers: record,
          query: record,
          path: hostileString(),
          key: hostileString(),
          note: hostileJson(),
          result: hostileJson(),
          error: hostileString(),
          log: hostileJson(),
        }),
        async (sample) => {
          configId += 1;
          const [stored] = await insertWebhookEvents(database.db, [
            {
              configId,
              configKey: 'k',
              configVersion: 1,
              source: 'router',
              method: 'POST',
              path: sample.path,
              headers: sample.headers,
              query: sample.query,
              rawBody: Buffer.from([0, 0xff, 0xfe, 0x00]),
              clientIp: '127.0.0.1',
              receivedAt: at,
              idempotencyKey: sample.key,
              responseMode: 'sync',
              status: 'processing',
              attempts: 1,
              maxAttempts: 1,
              leaseOwner: 'host:1',
              leaseMs: 60_000,
              trace: { dedup: { key: sample.key }, note: sample.note } as JsonObject,
            },
          ]);
          expect(stored).toBeDefined();
          const finish: AttemptFinish = {
            outcome: 'succeeded',
            finishedAt: at,
            durationMs: 1,
            errors: [sample.error],
            logs: [sample.log],
            steps: [sample.note],
          };
          const settlement = {
            status: 'succeeded',
            result: sample.result,
            httpResponse: { status: 200, headers: sample.headers, body: sample.result },
            at,
          } as const;
          expect(
            await settleAttempts(database.db, [
              {
                attempt: { id: stored!.lease!.attemptId, finish },
                event: { id: stored!.id, owner: 'host:1', attempt: 1, settlement },
              },
            ]),
          ).toEqual([true]);

          const event = await findWebhookEventById(database.db, stored!.id);
          expect(event).toMatchObject({
            path: sample.path,
            headers: sample.headers,
            query: sample.query,
            idempotencyKey: sample.key,
            result: sample.result,
          });
          expect(event!.rawBody).toEqual(Buffer.from([0, 0xff, 0xfe, 0x00]));
          expect(event!.trace).toEqual({ dedup: { key: sample.key }, note: sample.note });
          expect(event!.httpResponse).toEqual(settlement.httpResponse);
          expect((await noteRepeatedDelivery(database.db, { source: 'router', configId }, sample.key, at))?.id).toBe(stored!.id);
          const [attempt] = await listEventAttempts(database.db, stored!.id);
          expect(attempt).toMatchObject({ errors: [sample.error], logs: [sample.log], steps: [sample.note] });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('keeps a failed attempt whose errors hold NUL', async () => {
    const [stored] = await insertWebhookEvents(database.db, [
      {
        configId: 0,
        configKey: 'k',
        configVersion: 1,
        source: 'router',
        method: 'POST',
        path: 'p',
        headers: {},
        query: { '\u0000': '\u0000' },
        rawBody: Buffer.alloc(0),
        clientIp: '127.0.0.1',
        receivedAt: at,
        idempotencyKey: null,
        responseMode: 'sync',
        status: 'processing',
        attempts: 1,
        maxAttempts: 1,
        leaseOwner: 'host:1',
        leaseMs: 60_000,
        trace: {},
      },
    ]);
    await finishEventAttempt(database.db, stored!.lease!.attemptId, {
      outcome: 'failed',
      finishedAt: at,
      durationMs: 1,
      errors: ['a\u0000b'],
      logs: null,
      steps: null,
    });
    expect(await listEventAttempts(database.db, stored!.id)).toMatchObject([
      { outcome: 'failed', errors: ['a\u0000b'], logs: null },
    ]);
    expect((await findWebhookEventById(database.db, stored!.id))!.query).toEqual({ '\u0000': '\u0000' });
  });
});

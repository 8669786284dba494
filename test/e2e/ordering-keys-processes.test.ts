import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { testSecret } from '../helpers/tokens.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;
const keys = ['M-1', 'M-2', 'M-3'];
const perKey = 15;

/** A core banking stand-in: takes 100 ms per posting, and notes every posting that overlaps another of its key. */
async function startCore() {
  const received = new Map<string, number[]>();
  const inFlight = new Set<string>();
  const overlaps: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { key, n } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key: string; n: number };
      if (inFlight.has(key)) overlaps.push(`${key}#${n}`);
      inFlight.add(key);
      received.set(key, [...(received.get(key) ?? []), n]);
      setTimeout(() => {
        inFlight.delete(key);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }, 100);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received, overlaps, close: () => server.close() };
}

describe.skipIf(!url)('order per key across two service processes, one killed with SIGKILL', () => {
  const children: ChildService[] = [];
  let database: ScratchDatabase | undefined;
  let core: Awaited<ReturnType<typeof startCore>> | undefined;
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    core?.close();
    await database?.drop();
  });

  it('delivers each key one at a time in accepted order, across processes and a crash', async () => {
    core = await startCore();
    database = await createScratchDatabase(url!, 'bpm_order');
    const env = {
      AUTH_HS256_SECRET: testSecret,
      DATABASE_URL: database.url,
      FORWARD_ALLOWED_HOSTS: '127.0.0.1',
      LEASE_MS: '1000',
      WORKER_CONCURRENCY: '4',
      WORKER_POLL_MS: '20',
      RETRY_BASE_MS: '50',
    };
    const [a, b] = await Promise.all([startChildService(env), startChildService(env)]);
    children.push(a!, b!);
    await createConfig(a!.baseUrl, {
      key: 'core-postings',
      path: '/core/postings',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${core.port}/post` } }],
      responseMode: 'async',
      orderingKey: 'body:/key',
    });
    await eventually(async () =>
      (await callWebhook(b!.baseUrl, 'core/postings', { body: '{"key":"warm-up","n":0}' })).status === 202 ? true : undefined,
    );

    // Accepted one after another (a provider waits for each answer), half through each process.
    for (let n = 1; n <= perKey; n++) {
      for (const [k, key] of keys.entries()) {
        const via = (n + k) % 2 === 0 ? a! : b!;
        expect((await callWebhook(via.baseUrl, 'core/postings', { body: JSON.stringify({ key, n }) })).status).toBe(202);
      }
    }
    await eventually(async () => ([...core!.received.values()].flat().length >= 10 ? true : undefined), 20_000);
    await a!.stop('SIGKILL');

    await eventually(async () => {
      const list = await command(b!.baseUrl, 'GetWebhookEventListQuery', { status: 'succeeded', pageSize: 1 });
      return (list.data as { totalCount: number }).totalCount === keys.length * perKey + 1 ? true : undefined;
    }, 60_000);
    expect(core.overlaps).toEqual([]);
    for (const key of keys) {
      // At least once: a posting cut off by the kill may be sent again, right after itself, never after a later one.
      const sent = core.received.get(key)!.filter((n, index, all) => index === 0 || all[index - 1] !== n);
      expect(sent).toEqual(Array.from({ length: perKey }, (_, index) => index + 1));
    }
  });
});

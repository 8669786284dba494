import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { openSocket, untilHealthy, whenClosed } from '../helpers/raw-connections.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

const http2Preface = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const healthRequest = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';

/** Connects, lets `before` run (send bytes, wait for an answer), then resets the connection (RST). */
async function resetAfter(port: number, before: (socket: net.Socket) => Promise<void>): Promise<void> {
  const socket = await openSocket(port);
  socket.on('error', () => undefined);
  await before(socket);
  socket.resetAndDestroy();
}

const firstAnswer = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('data', () => resolve()));

describe('client resets, half-closes and garbage end that connection only', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { startWorker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('keeps answering after hundreds of resets before, during and after the first bytes', async () => {
    const kinds: Array<(socket: net.Socket) => Promise<void>> = [
      async () => {},
      async (socket) => void socket.write('GE'),
      async (socket) => void socket.write('PRI * HT'),
      async (socket) => void socket.write(`${healthRequest.slice(0, 20)}`),
      async (socket) => void socket.write(http2Preface),
      async (socket) => {
        socket.write(healthRequest);
        await firstAnswer(socket);
      },
      async (socket) => {
        socket.write('POST /hooks/nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{"a":');
      },
    ];
    const resets = Array.from({ length: 350 }, (_, i) => resetAfter(service.port, kinds[i % kinds.length]!));
    await Promise.all(resets);
    await untilHealthy(service.baseUrl);
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
  });

  it('closes a connection that half-closes before its first byte, and one that half-closes mid-headers', async () => {
    const silent = await openSocket(service.port);
    const silentClosed = whenClosed(silent);
    silent.end();
    expect(await silentClosed).toEqual({ received: '' });

    const partial = await openSocket(service.port);
    const partialClosed = whenClosed(partial);
    partial.end('GET /healthz HTTP/1.1\r\nHo');
    expect(await partialClosed).not.toBe('open');
    await untilHealthy(service.baseUrl);
  });

  it('answers garbage with 400 and closes; a broken HTTP/2 preface is closed too', async () => {
    const garbage = await openSocket(service.port);
    const garbageClosed = whenClosed(garbage);
    garbage.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a, 0xc3, 0x28]));
    const answer = await garbageClosed;
    expect(answer).not.toBe('open');
    expect(answer !== 'open' && answer.received).toMatch(/^HTTP\/1\.1 400/);

    const brokenH2 = await openSocket(service.port);
    const brokenClosed = whenClosed(brokenH2);
    brokenH2.write(`${http2Preface}\u0000\u0000\u0004garbage-not-a-frame`);
    expect(await brokenClosed).not.toBe('open');
    await untilHealthy(service.baseUrl);
  });
});

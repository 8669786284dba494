import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConnectionLimits } from '../../src/config/config.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { openSocket, whenClosed } from '../helpers/raw-connections.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

const fileBytes = 2 * 1024 * 1024;
const asset = '/console/assets/index-abc123.js';
/** Requests on one unread connection: 600 MB of answers if each were built whole, as they were. */
const requests = 300;
/** Generous: the streamed answers take a few MB; holding the files whole took hundreds. */
const mostGrowth = 150 * 1024 * 1024;
/** Time for the service to take every request in (reading the files whole took seconds on a busy machine). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5_000));

describe.each(engines)('static files are streamed with back-pressure, on %s', (engine) => {
  let folder: string;
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'static-memory-'));
    await mkdir(join(folder, 'assets'));
    await writeFile(join(folder, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(folder, 'assets', 'index-abc123.js'), randomBytes(fileBytes).toString('base64').slice(0, fileBytes));
    await writeFile(join(folder, 'assets', 'index-abc123.js.map'), '{"version":3}');
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { startWorker: false, consoleDirectory: folder });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    await rm(folder, { recursive: true, force: true });
  });

  it(`holds little memory for ${requests} HTTP/2 streams of a 2 MB file that the client never reads`, async () => {
    const session = http2.connect(service.baseUrl);
    session.on('error', () => undefined);
    try {
      // A client that heeds the server's settings: beyond its stream cap, requests wait for a free stream.
      await new Promise((resolve) => session.once('remoteSettings', resolve));
      const before = process.memoryUsage.rss();
      let answered = 0;
      for (let i = 0; i < requests; i += 1) {
        const stream = session.request({ ':path': asset }, { endStream: true });
        stream.on('error', () => undefined);
        stream.once('response', () => (answered += 1));
        stream.pause();
      }
      await settle();
      expect(process.memoryUsage.rss() - before).toBeLessThan(mostGrowth);
      expect(session.remoteSettings.maxConcurrentStreams).toBe(defaultConnectionLimits.h2MaxConcurrentStreams);
      expect(answered).toBe(defaultConnectionLimits.h2MaxConcurrentStreams);
    } finally {
      session.destroy();
    }
  });

  it(`holds little memory for ${requests} pipelined HTTP/1.1 GETs of a 2 MB file on a paused socket`, async () => {
    const socket = await openSocket(service.port);
    socket.on('error', () => undefined);
    socket.pause();
    try {
      const before = process.memoryUsage.rss();
      socket.write(`GET ${asset} HTTP/1.1\r\nhost: x\r\n\r\n`.repeat(requests));
      await settle();
      expect(process.memoryUsage.rss() - before).toBeLessThan(mostGrowth);
    } finally {
      socket.destroy();
    }
  });

  it(`answers ${defaultConnectionLimits.maxPipelinedRequests} pipelined HTTP/1.1 requests waiting on one connection, then 429, and closes it`, async () => {
    const socket = await openSocket(service.port);
    socket.write('GET /console/ HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(defaultConnectionLimits.maxPipelinedRequests + 4));
    const answer = await whenClosed(socket);
    const received = answer === 'open' ? '' : answer.received;
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    expect(statuses.slice(0, defaultConnectionLimits.maxPipelinedRequests + 1)).toEqual([
      ...Array(defaultConnectionLimits.maxPipelinedRequests).fill('200'),
      '429',
    ]);
    expect(received).toContain(
      `"errors":["At most ${defaultConnectionLimits.maxPipelinedRequests} requests may wait for their answers on one connection"]`,
    );
  });

  it('answers a source map 404 unless CONSOLE_SOURCE_MAPS asks for them', async () => {
    expect((await fetch(`${service.baseUrl}${asset}.map`)).status).toBe(404);
    expect((await fetch(`${service.baseUrl}${asset}`)).status).toBe(200);
  });
});

import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { openSocket, trickle, untilHealthy, whenClosed } from '../helpers/raw-connections.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

// Small limits so each case takes well under a second; every wait below allows 10 s.
const connections = {
  firstByteTimeoutMs: 300,
  headersTimeoutMs: 400,
  requestTimeoutMs: 800,
  keepAliveTimeoutMs: 300,
  h2IdleTimeoutMs: 400,
  maxConnections: 8,
};

describe('idle and slow connections are closed at their timeouts; the connection cap holds', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { startWorker: false, connections });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('closes a connection that never sends a byte', async () => {
    const socket = await openSocket(service.port);
    expect(await whenClosed(socket)).toEqual({ received: '' });
  });

  it('closes a connection whose first bytes never decide the protocol', async () => {
    const socket = await openSocket(service.port);
    const closed = whenClosed(socket);
    socket.write('PRI * HTTP/2');
    expect(await closed).toEqual({ received: '' });
  });

  it('answers 408 to headers trickled a line at a time (slowloris), then closes', async () => {
    const socket = await openSocket(service.port);
    const closed = whenClosed(socket);
    const lines = ['GET /healthz HTTP/1.1\r\n', ...Array.from({ length: 200 }, (_, i) => `X-Slow-${i}: y\r\n`)];
    void trickle(socket, lines, 50);
    const answer = await closed;
    expect(answer !== 'open' && answer.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers 408 to a body trickled a byte at a time, then closes', async () => {
    const socket = await openSocket(service.port);
    const closed = whenClosed(socket);
    socket.write(
      'POST /api/bpm/cmd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n' +
        `Authorization: Bearer ${service.adminToken}\r\n\r\n`,
    );
    void trickle(
      socket,
      Array.from({ length: 1000 }, () => ' '),
      50,
    );
    const answer = await closed;
    expect(answer !== 'open' && answer.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes an idle keep-alive connection at KEEP_ALIVE_TIMEOUT_MS, well before the 5 s Node default', async () => {
    const socket = await openSocket(service.port);
    // 4 s is 13 times the configured 300 ms, and less than Node's default.
    const closed = whenClosed(socket, 4_000);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await closed;
    expect(answer !== 'open' && answer.received).toMatch(/^HTTP\/1\.1 200[\s\S]*keep-alive/i);
  });

  it('closes an HTTP/2 session with no open stream, before and after a request', async () => {
    const idle = http2.connect(service.baseUrl);
    idle.on('error', () => undefined);
    expect(await sessionClosed(idle)).toBe(true);

    const used = http2.connect(service.baseUrl);
    used.on('error', () => undefined);
    const request = used.request({ ':path': '/healthz' });
    const status = await new Promise((resolve) => request.once('response', (headers) => resolve(headers[':status'])));
    request.resume();
    expect(status).toBe(200);
    expect(await sessionClosed(used)).toBe(true);
  });

  it('cancels an HTTP/2 stream whose request body is trickled past the request timeout', async () => {
    const session = http2.connect(service.baseUrl);
    session.on('error', () => undefined);
    try {
      const stream = session.request({
        ':path': '/api/bpm/cmd',
        ':method': 'POST',
        'content-type': 'application/json',
        authorization: `Bearer ${service.adminToken}`,
      });
      stream.on('error', () => undefined);
      stream.resume();
      const closed = new Promise<number>((resolve) => stream.once('close', () => resolve(stream.rstCode ?? -1)));
      void (async () => {
        for (let i = 0; i < 1000 && !stream.closed; i += 1) {
          stream.write(' ');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      expect(await closed).toBe(http2.constants.NGHTTP2_CANCEL);
    } finally {
      session.destroy();
    }
  });

  it('refuses connections beyond MAX_CONNECTIONS at accept, and serves again once they close', async () => {
    const held = await Promise.all(
      Array.from({ length: connections.maxConnections }, async () => {
        const socket = await openSocket(service.port);
        socket.on('error', () => undefined);
        // Keep-alive requests every 100 ms hold the connection open past every timeout.
        const timer = setInterval(() => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'), 100);
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        await new Promise((resolve) => socket.once('data', resolve));
        return { socket, timer };
      }),
    );
    try {
      const extra = await openSocket(service.port);
      const closed = whenClosed(extra);
      extra.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await closed).toEqual({ received: '' });
    } finally {
      for (const { socket, timer } of held) {
        clearInterval(timer);
        socket.destroy();
      }
    }
    await untilHealthy(service.baseUrl);
  });
});

function sessionClosed(session: http2.ClientHttp2Session, withinMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), withinMs);
    session.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

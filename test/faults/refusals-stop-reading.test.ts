import http2 from 'node:http2';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { openSocket } from '../helpers/raw-connections.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

const bodyBytes = 100 * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 0x61);
/** Far below the 100 MB offered: what the kernel buffers on both sides hold, and a little the service reads before it closes. */
const mostSent = 24 * 1024 * 1024;

/** How long a refused sender may be kept: a few seconds of the 30 s request timeout. */
const endsWithinMs = 5_000;

/** What a sender of a large body saw: the answer's status, how much it could send, whether the connection (or stream) ended in time. */
interface Sent {
  readonly status: number | undefined;
  readonly sentBytes: number;
  readonly ended: boolean;
  /** HTTP/2: the answer's body, which must arrive whole before the reset. */
  readonly body?: string;
}

const refusals: {
  name: string;
  path: string;
  status: number;
  headers?: (service: RunningService) => Record<string, string>;
}[] = [
  { name: 'the gateway without a token', path: '/api/bpm/cmd', status: 401 },
  { name: 'a webhook path nothing matches', path: '/api/webhook/nowhere', status: 404 },
  { name: 'an unconfigured fixed endpoint', path: '/api/webhooks/mono/callback', status: 503 },
  {
    name: 'an over-large Connect call with a valid token',
    path: '/bpm.webhooks.v1.WebHookConfigService/CreateWebHookConfig',
    status: 429,
    // Answered after the first 64 KiB, while this client is still writing: the lingering close keeps
    // reading (and dropping) what it sends, so no reset overtakes the answer.
    headers: (service) => ({ authorization: `Bearer ${service.adminToken}` }),
  },
];

describe.each(engines)('a refused request is answered and its body no longer read, on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { startWorker: false, maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  describe.each(['chunked', 'content-length'] as const)('HTTP/1.1 with a %s body', (framing) => {
    it.each(refusals)('$name: answered $status, then the connection is closed', async ({ path, status, headers }) => {
      const sent = await sendHttp1(await openSocket(service.port), path, framing, headers?.(service) ?? {});
      expect(sent.ended).toBe(true);
      expect(sent.status).toBe(status);
      expect(sent.sentBytes).toBeLessThan(mostSent);
    });
  });

  it('closes the connection of a client that keeps sending its 100 MB after a 404, having read a small part of it', async () => {
    const socket = await openSocket(service.port);
    const sent = await sendHttp1(socket, '/api/webhook/nowhere', 'chunked', {}, { keepSending: true });
    // The lingering close reads a few MiB more of it, then gives up on it.
    expect(sent.ended).toBe(true);
    expect(sent.status).toBe(404);
    expect(sent.sentBytes).toBeLessThan(mostSent);
  });

  it('answers a client that writes 1 MiB more of its body before it reads anything: the connection lingers, no reset', async () => {
    const socket = await openSocket(service.port);
    // Reads nothing yet: the answer waits in this side's buffer, which a reset would throw away.
    socket.pause();
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(`POST /api/webhook/nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: ${bodyBytes}\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let sent = 0; sent < 1024 * 1024 && !socket.destroyed; sent += chunk.length) {
      if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    let received = '';
    socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
    socket.resume();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, endsWithinMs))]);
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 404 /);
  });

  it.each(refusals)('HTTP/2: $name: answered $status, then the stream is reset', async ({ path, status, headers }) => {
    const session = http2.connect(service.baseUrl);
    session.on('error', () => undefined);
    try {
      const sent = await sendHttp2(session, path, headers?.(service) ?? {});
      expect(sent).toMatchObject({ status, ended: true });
      expect(JSON.parse(sent.body ?? '')).toHaveProperty('message');
      expect(sent.sentBytes).toBeLessThan(mostSent);
    } finally {
      session.destroy();
    }
  });
});

/**
 * Sends a 100 MB chunked body as fast as the connection takes it until the answer comes (as curl
 * does), or on regardless; or declares 100 MB and sends 1 MiB of it. Then waits until the connection
 * closes or `endsWithinMs` pass.
 */
async function sendHttp1(
  socket: net.Socket,
  path: string,
  framing: 'chunked' | 'content-length',
  headers: Record<string, string>,
  options: { keepSending?: boolean } = {},
): Promise<Sent> {
  let received = '';
  let closed = false;
  socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
  socket.on('error', () => undefined);
  const whenClosed = new Promise<void>((resolve) => socket.once('close', resolve)).then(() => (closed = true));
  const framingHeader = framing === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${bodyBytes}`;
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${extra.join('')}${framingHeader}\r\n\r\n`);
  let sentBytes = 0;
  const deadline = Date.now() + endsWithinMs;
  const timeUp = new Promise((resolve) => setTimeout(resolve, endsWithinMs).unref());
  // A declared body is sent in part, then held: the connection must not wait for the rest.
  const stopAt = framing === 'chunked' ? bodyBytes : 1024 * 1024;
  while (sentBytes < stopAt && !closed && (options.keepSending || received === '') && Date.now() < deadline) {
    const piece = framing === 'chunked' ? Buffer.concat([Buffer.from('10000\r\n'), chunk, Buffer.from('\r\n')]) : chunk;
    sentBytes += chunk.length;
    if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), whenClosed, timeUp]);
  }
  await Promise.race([whenClosed, timeUp]);
  socket.destroy();
  const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
  return { status: status === undefined ? undefined : Number(status), sentBytes, ended: closed };
}

/** The same on one HTTP/2 stream, until the answer comes; then waits until the stream closes. */
async function sendHttp2(session: http2.ClientHttp2Session, path: string, headers: Record<string, string>): Promise<Sent> {
  const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json', ...headers });
  stream.on('error', () => undefined);
  let status: number | undefined;
  let closed = false;
  let body = '';
  stream.once('response', (answer) => (status = Number(answer[':status'])));
  stream.on('data', (data: Buffer) => (body += data.toString('utf8')));
  const deadline = Date.now() + endsWithinMs;
  const timeUp = new Promise((resolve) => setTimeout(resolve, endsWithinMs).unref());
  // Polled: a reset stream whose unsent data the server will never take is closed, but emits 'close' only when that data is flushed.
  const whenClosed = new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (stream.closed || Date.now() > deadline) clearInterval(poll);
      if (stream.closed) resolve();
    }, 10);
  }).then(() => (closed = true));
  let sentBytes = 0;
  while (sentBytes < bodyBytes && !closed && status === undefined && Date.now() < deadline) {
    sentBytes += chunk.length;
    if (!stream.write(chunk)) await Promise.race([new Promise((resolve) => stream.once('drain', resolve)), whenClosed, timeUp]);
  }
  await Promise.race([whenClosed, timeUp]);
  return { status, sentBytes, ended: closed, body };
}

import http2 from 'node:http2';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { trailerParse } from '@connectrpc/connect/protocol-grpc-web';
import { createGrpcWebTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorDetailsSchema } from '../../gen/bpm/webhooks/v1/errors_pb.js';
import { WebHookConfigService } from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createManagementClient } from '../helpers/management-clients.js';
import { openSocket, whenClosed } from '../helpers/raw-connections.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

const maxBodyBytes = 16 * 1024;
const rpcPath = '/bpm.webhooks.v1.WebHookConfigService/CreateWebHookConfig';
const oversized = {
  key: 'oversized',
  action: 'POST',
  executionType: 0,
  commandName: 'EchoCommand',
  description: 'x'.repeat(4 * maxBodyBytes),
};

describe('gRPC, gRPC-Web and Connect calls are authenticated before their bodies are read', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { maxBodyBytes, startWorker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it.each(['connect', 'grpc'] as const)('refuses an oversized call without a token over %s as unauthenticated', async (kind) => {
    const client = createManagementClient(kind, service.baseUrl);
    try {
      expect(await client.call('CreateWebHookConfigCommand', oversized)).toEqual({
        success: false,
        code: 'unauthenticated',
        message: 'Unauthorized',
        errors: ['A valid bearer token is required'],
        data: null,
      });
    } finally {
      client.close();
    }
  });

  it('refuses an oversized call without a token over gRPC-Web as unauthenticated', async () => {
    const client = createClient(WebHookConfigService, createGrpcWebTransport({ baseUrl: service.baseUrl, httpVersion: '1.1' }));
    const error = await client.createWebHookConfig(oversized).then(
      () => undefined,
      (reason: unknown) => ConnectError.from(reason),
    );
    expect(error?.code).toBe(Code.Unauthenticated);
    expect(error?.rawMessage).toBe('Unauthorized');
    expect(error?.findDetails(ErrorDetailsSchema)[0]?.errors).toEqual(['A valid bearer token is required']);
  });

  it.each([
    ['gRPC', 'application/grpc'],
    ['gRPC-Web', 'application/grpc-web+proto'],
    ['Connect', 'application/json'],
  ])('answers a %s call over HTTP/2 whose body never ends, and resets its stream', async (_, contentType) => {
    const session = http2.connect(service.baseUrl);
    session.on('error', () => undefined);
    try {
      const stream = session.request({ ':method': 'POST', ':path': rpcPath, 'content-type': contentType, te: 'trailers' });
      stream.on('error', () => undefined);
      const streamClosed = new Promise<void>((resolve) => stream.once('close', resolve));
      const writer = setInterval(() => stream.writable && stream.write(Buffer.alloc(8 * 1024, 0x78)), 20);
      try {
        const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once('response', resolve));
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        await streamClosed;
        expect(refusal(contentType, headers, Buffer.concat(chunks))).toEqual({
          code: 'unauthenticated',
          message: 'Unauthorized',
        });
      } finally {
        clearInterval(writer);
      }
    } finally {
      session.destroy();
    }
  });

  it.each([
    ['gRPC-Web', 'application/grpc-web+proto'],
    ['Connect', 'application/json'],
  ])('answers a %s call over HTTP/1.1 whose chunked body never ends, then closes the connection', async (_, contentType) => {
    const socket = await openSocket(service.port);
    const closed = whenClosed(socket);
    socket.write(`POST ${rpcPath} HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const writer = setInterval(() => socket.writable && socket.write(`2000\r\n${'x'.repeat(0x2000)}\r\n`), 20);
    try {
      const answer = await closed;
      expect(answer).not.toBe('open');
      const received = answer === 'open' ? '' : answer.received;
      expect(received).toMatch(
        contentType === 'application/json' ? /^HTTP\/1\.1 401/ : /^HTTP\/1\.1 200[\s\S]*grpc-status: ?16\r\n/,
      );
    } finally {
      clearInterval(writer);
    }
  });

  it('survives calls cancelled while their token is being checked', async () => {
    const session = http2.connect(service.baseUrl);
    session.on('error', () => undefined);
    try {
      const streams = Array.from({ length: 200 }, (_, i) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': rpcPath,
          'content-type': i % 2 ? 'application/grpc' : 'application/json',
          ...(i % 4 < 2 && { authorization: `Bearer ${service.adminToken}` }),
        });
        stream.on('error', () => undefined);
        stream.close(http2.constants.NGHTTP2_CANCEL);
        return new Promise((resolve) => stream.once('close', resolve));
      });
      await Promise.all(streams);
    } finally {
      session.destroy();
    }
    expect(
      await createManagementClient('connect', service.baseUrl, service.adminToken).call('GetWebHookConfigListQuery'),
    ).toMatchObject({
      success: true,
    });
  });

  it('still refuses an oversized call with a valid token as resource_exhausted', async () => {
    const client = createManagementClient('connect', service.baseUrl, service.adminToken);
    expect(await client.call('CreateWebHookConfigCommand', oversized)).toMatchObject({ code: 'resource_exhausted' });
  });
});

/** The code and message of a refusal, read from each protocol's own place for them. */
function refusal(contentType: string, headers: http2.IncomingHttpHeaders, body: Buffer): { code: string; message: string } {
  if (contentType === 'application/grpc') {
    expect(headers[':status']).toBe(200);
    return { code: grpcCode(headers['grpc-status']), message: decodeURIComponent(String(headers['grpc-message'])) };
  }
  if (contentType.startsWith('application/grpc-web')) {
    expect(headers[':status']).toBe(200);
    expect(body[0]).toBe(0x80);
    const trailer = trailerParse(body.subarray(5));
    return { code: grpcCode(trailer.get('grpc-status') ?? ''), message: decodeURIComponent(trailer.get('grpc-message') ?? '') };
  }
  expect(headers[':status']).toBe(401);
  const json = JSON.parse(body.toString('utf8')) as { code: string; message: string };
  return { code: json.code, message: json.message };
}

function grpcCode(status: unknown): string {
  return String(status) === String(Code.Unauthenticated) ? 'unauthenticated' : `grpc-status ${String(status)}`;
}

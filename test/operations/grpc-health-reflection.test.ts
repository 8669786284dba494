import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { fromBinary, toBinary, create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HealthCheckRequestSchema,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from '../../gen/grpc/health/v1/health_pb.js';
import {
  ServerReflectionRequestSchema,
  ServerReflectionResponseSchema,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from '../../gen/grpc/reflection/v1/reflection_pb.js';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

const run = promisify(execFile);
const allServices = [
  'bpm.webhooks.v1.AuditService',
  'bpm.webhooks.v1.BpmService',
  'bpm.webhooks.v1.CommandService',
  'bpm.webhooks.v1.ProcessService',
  'bpm.webhooks.v1.SourceCatalogService',
  'bpm.webhooks.v1.TestWebhookService',
  'bpm.webhooks.v1.WebHookConfigService',
  'bpm.webhooks.v1.WebhookEventService',
  'grpc.health.v1.Health',
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
];

const codec = <S extends DescMessage>(schema: S) => ({
  serialize: (message: MessageShape<S>) => Buffer.from(toBinary(schema, message)),
  deserialize: (bytes: Buffer) => fromBinary(schema, bytes),
});

/** The wire protocols do not depend on the store engine: PGlite only. */
describe('gRPC health and server reflection', () => {
  let database: TestDatabase;
  let service: RunningService;
  let plain: RunningService;
  let client: grpc.Client;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db);
    plain = await startTestService(database.db, { operations: { metricsToken: undefined, grpcReflection: false } });
    client = new grpc.Client(`127.0.0.1:${service.port}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await plain?.stop();
    await service?.stop();
    await database?.destroy();
  });

  const check = (name: string) =>
    new Promise<{ status?: ServingStatus; code?: grpc.status }>((resolve) => {
      const health = codec(HealthCheckResponseSchema);
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        codec(HealthCheckRequestSchema).serialize,
        health.deserialize,
        create(HealthCheckRequestSchema, { service: name }),
        (error, response) => resolve(error ? { code: error.code } : { status: response!.status }),
      );
    });

  it('answers grpc.health.v1.Health/Check for the server and for each service, NOT_FOUND for others', async () => {
    expect(await check('')).toEqual({ status: ServingStatus.SERVING });
    expect(await check('bpm.webhooks.v1.WebHookConfigService')).toEqual({ status: ServingStatus.SERVING });
    expect(await check('no.such.Service')).toEqual({ code: grpc.status.NOT_FOUND });
  });

  it('streams the status on Watch', async () => {
    const call = client.makeServerStreamRequest(
      '/grpc.health.v1.Health/Watch',
      codec(HealthCheckRequestSchema).serialize,
      codec(HealthCheckResponseSchema).deserialize,
      create(HealthCheckRequestSchema, { service: '' }),
    );
    const first = await new Promise<ServingStatus>((resolve) =>
      call.once('data', (message: { status: ServingStatus }) => resolve(message.status)),
    );
    call.on('error', () => {});
    call.cancel();
    expect(first).toBe(ServingStatus.SERVING);
  });

  /** Sends each question on one grpc.reflection.v1 stream; resolves to the answers, in order. */
  const askReflection = (questions: ServerReflectionRequest['messageRequest'][]) => {
    const call = client.makeBidiStreamRequest(
      '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
      codec(ServerReflectionRequestSchema).serialize,
      codec(ServerReflectionResponseSchema).deserialize,
    );
    const answers: ServerReflectionResponse[] = [];
    const done = new Promise<ServerReflectionResponse[]>((resolve, reject) => {
      call.on('data', (message: ServerReflectionResponse) => answers.push(message) === questions.length && call.end());
      call.on('end', () => resolve(answers));
      call.on('error', reject);
    });
    for (const messageRequest of questions) call.write(create(ServerReflectionRequestSchema, { messageRequest }));
    return done;
  };

  it('lists every service over grpc.reflection.v1 and serves the file of a symbol with its imports', async () => {
    const answers = await askReflection([
      { case: 'listServices', value: '' },
      { case: 'fileContainingSymbol', value: 'bpm.webhooks.v1.WebHookConfigService.CreateWebHookConfig' },
      { case: 'fileByFilename', value: 'missing.proto' },
    ]);
    const [list, file, missing] = answers;
    expect(
      list?.messageResponse.case === 'listServicesResponse' && list.messageResponse.value.service.map((s) => s.name).sort(),
    ).toEqual(allServices);
    expect(file?.messageResponse.case).toBe('fileDescriptorResponse');
    expect(
      file?.messageResponse.case === 'fileDescriptorResponse' && file.messageResponse.value.fileDescriptorProto.length,
    ).toBeGreaterThan(1);
    expect(missing?.messageResponse).toMatchObject({ case: 'errorResponse', value: { errorCode: grpc.status.NOT_FOUND } });
  });

  const bufCurl = (args: string[]) => run('npx', ['buf', 'curl', '--http2-prior-knowledge', ...args], { timeout: 60_000 });

  it.each(['grpc', 'connect'])(
    'lets buf curl list the services and call a method through reflection alone, over %s',
    async (protocol) => {
      const listed = await bufCurl(['--protocol', protocol, '--list-services', service.baseUrl]);
      expect(listed.stdout.trim().split('\n').sort()).toEqual(allServices);
      const methods = await bufCurl(['--protocol', protocol, '--list-methods', service.baseUrl]);
      expect(methods.stdout).toContain('bpm.webhooks.v1.WebHookConfigService/CreateWebHookConfig');
      const called = await bufCurl([
        '--protocol',
        protocol,
        '-H',
        `authorization: Bearer ${service.adminToken}`,
        '-d',
        '{"pageSize": 5}',
        `${service.baseUrl}/bpm.webhooks.v1.WebHookConfigService/GetWebHookConfigList`,
      ]);
      expect(JSON.parse(called.stdout)).toMatchObject({ message: 'Webhook configurations retrieved successfully' });
    },
  );

  it('serves errors.proto by the symbol of ErrorDetails, which error details name but no service imports', async () => {
    const [answer] = await askReflection([{ case: 'fileContainingSymbol', value: 'bpm.webhooks.v1.ErrorDetails' }]);
    expect(answer?.messageResponse.case).toBe('fileDescriptorResponse');
    const [file] =
      answer?.messageResponse.case === 'fileDescriptorResponse' ? answer.messageResponse.value.fileDescriptorProto : [];
    expect(fromBinary(FileDescriptorProtoSchema, file!).name).toBe('bpm/webhooks/v1/errors.proto');
  });

  it('serves no reflection with GRPC_REFLECTION=false, and health still', async () => {
    const refused = await bufCurl(['--protocol', 'grpc', '--list-services', plain.baseUrl]).catch(
      (error: { stderr: string }) => error,
    );
    expect('stderr' in refused && refused.stderr).toMatch(/unimplemented|not implemented|reflection/i);
    const health = await fetch(`${plain.baseUrl}/grpc.health.v1.Health/Check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await health.json()).toEqual({ status: 'SERVING' });
  });
});

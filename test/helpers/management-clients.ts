import * as grpc from '@grpc/grpc-js';
import {
  fromBinary,
  fromJson,
  toBinary,
  type DescMethodUnary,
  type DescService,
  type Message,
  type JsonObject,
  type JsonValue,
} from '@bufbuild/protobuf';
import { ConnectError, createClient } from '@connectrpc/connect';
import { findTrailerError } from '@connectrpc/connect/protocol-grpc';
import { createConnectTransport } from '@connectrpc/connect-node';
import { ErrorDetailsSchema } from '../../gen/bpm/webhooks/v1/errors_pb.js';
import { AuditService } from '../../gen/bpm/webhooks/v1/audit_service_pb.js';
import { CommandService } from '../../gen/bpm/webhooks/v1/command_service_pb.js';
import { ProcessService } from '../../gen/bpm/webhooks/v1/process_service_pb.js';
import { SourceCatalogService } from '../../gen/bpm/webhooks/v1/source_catalog_service_pb.js';
import { TestWebhookService } from '../../gen/bpm/webhooks/v1/test_webhook_service_pb.js';
import { WebHookConfigService } from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { WebhookEventService } from '../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { messageToJson } from '../../src/commands/message-json.js';

/** What a caller sees of a command, whichever client made the call. */
export interface Outcome {
  readonly success: boolean;
  readonly message: string;
  readonly errors: readonly string[];
  readonly data: unknown;
  /** The failure's gRPC code name ("not_found", ...), or the HTTP status for the JSON gateway. */
  readonly code?: string | number;
}

/** A management client: the JSON gateway, Connect JSON over HTTP/1.1, or a real gRPC client. */
export interface ManagementClient {
  readonly name: string;
  call(type: string, fields?: JsonObject): Promise<Outcome>;
  close(): void;
}

export type ClientKind = 'gateway' | 'connect' | 'grpc';
export const clientKinds: ClientKind[] = ['gateway', 'connect', 'grpc'];

/** The services whose RPCs the clients can call, each RPC taking the message named like its `$type`. */
const services: readonly DescService[] = [
  WebHookConfigService,
  AuditService,
  CommandService,
  WebhookEventService,
  ProcessService,
  SourceCatalogService,
  TestWebhookService,
];

/**
 * What a client sends as `Authorization`: a token (sent as `Bearer <token>`), a raw header value,
 * or nothing at all.
 */
export type Credentials = string | { readonly authorization: string } | undefined;

function authorizationOf(credentials: Credentials): string | undefined {
  if (credentials === undefined) return undefined;
  return typeof credentials === 'string' ? `Bearer ${credentials}` : credentials.authorization;
}

export function createManagementClient(kind: ClientKind, baseUrl: string, credentials?: Credentials): ManagementClient {
  const authorization = authorizationOf(credentials);
  switch (kind) {
    case 'gateway':
      return gatewayClient(baseUrl, authorization);
    case 'connect':
      return connectClient(baseUrl, authorization);
    case 'grpc':
      return grpcClient(baseUrl, authorization);
  }
}

function gatewayClient(baseUrl: string, authorization?: string): ManagementClient {
  return {
    name: 'gateway',
    async call(type, fields = {}) {
      const response = await fetch(`${baseUrl}/api/bpm/cmd`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization !== undefined && { authorization }) },
        body: JSON.stringify({ $type: type, ...fields }),
      });
      const body = (await response.json()) as Outcome;
      return { ...body, errors: body.errors ?? [], ...(!body.success && { code: response.status }) };
    },
    close() {},
  };
}

function methodFor(type: string): DescMethodUnary {
  const method = services
    .flatMap((service) => service.methods)
    .find((m): m is DescMethodUnary => m.methodKind === 'unary' && m.input.name === type);
  if (!method) throw new Error(`No RPC takes ${type}`);
  return method;
}

/** The envelope's `data` from a response message, written as the gateway writes it. */
function dataOf(method: DescMethodUnary, response: unknown): unknown {
  const json = messageToJson(method.output, response as never) as JsonObject;
  return json.data;
}

function failure(error: ConnectError): Outcome {
  const details = error.findDetails(ErrorDetailsSchema);
  return {
    success: false,
    message: error.rawMessage,
    errors: details.flatMap((d) => d.errors),
    data: null,
    code: codeName(error.code),
  };
}

function codeName(code: number): string {
  const names = [
    'ok',
    'canceled',
    'unknown',
    'invalid_argument',
    'deadline_exceeded',
    'not_found',
    'already_exists',
    'permission_denied',
    'resource_exhausted',
    'failed_precondition',
    'aborted',
    'out_of_range',
    'unimplemented',
    'internal',
    'unavailable',
    'data_loss',
    'unauthenticated',
  ];
  return names[code] ?? String(code);
}

type UnaryCall = (input: unknown, options: object) => Promise<{ message: string }>;

function connectClient(baseUrl: string, authorization?: string): ManagementClient {
  const transport = createConnectTransport({ baseUrl, httpVersion: '1.1' });
  const client: Record<string, UnaryCall> = Object.assign(
    {},
    ...services.map((service) => createClient(service, transport) as unknown as Record<string, UnaryCall>),
  );
  return {
    name: 'connect',
    async call(type, fields = {}) {
      const method = methodFor(type);
      try {
        const input = fromJson(method.input, fields as JsonValue);
        const response = await client[method.localName]!(input, {
          headers: authorization !== undefined ? { authorization } : {},
        });
        return { success: true, message: response.message, errors: [], data: dataOf(method, response) };
      } catch (error) {
        return failure(ConnectError.from(error));
      }
    },
    close() {},
  };
}

/**
 * A real grpc-js client over h2c. Messages are encoded with the generated protobuf-es schemas, so the
 * wire bytes are what any gRPC client built from proto/ would send.
 */
function grpcClient(baseUrl: string, authorization?: string): ManagementClient {
  const clients = new Map(services.map((service) => [service.typeName, grpcServiceClient(baseUrl, service)]));
  return {
    name: 'grpc',
    call(type, fields = {}) {
      const method = methodFor(type);
      const client = clients.get(method.parent.typeName)!;
      const metadata = new grpc.Metadata();
      if (authorization !== undefined) metadata.set('authorization', authorization);
      return new Promise((resolve) => {
        client[method.name]!.call(client, fromJson(method.input, fields), metadata, (error, response) => {
          if (error) return resolve(failure(grpcError(error)));
          resolve({ success: true, message: response.message, errors: [], data: dataOf(method, response) });
        });
      });
    },
    close: () => {
      for (const client of clients.values()) client.close();
    },
  };
}

type GrpcServiceClient = Record<
  string,
  (req: unknown, md: grpc.Metadata, cb: (error: grpc.ServiceError | null, response: { message: string }) => void) => void
> &
  grpc.Client;

/**
 * A real grpc-js client over h2c. Messages are encoded with the generated protobuf-es schemas, so the
 * wire bytes are what any gRPC client built from proto/ would send.
 */
function grpcServiceClient(baseUrl: string, service: DescService): GrpcServiceClient {
  const definition: grpc.ServiceDefinition = Object.fromEntries(
    service.methods.map((method) => [
      method.name,
      {
        path: `/${service.typeName}/${method.name}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (message: Message) => Buffer.from(toBinary(method.input, message)),
        requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
        responseSerialize: (message: Message) => Buffer.from(toBinary(method.output, message)),
        responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
      },
    ]),
  );
  const Client = grpc.makeGenericClientConstructor(definition, service.typeName);
  return new Client(new URL(baseUrl).host, grpc.credentials.createInsecure()) as unknown as GrpcServiceClient;
}

/** A grpc-js failure read the way Connect reads trailers, including the ErrorDetails detail. */
function grpcError(error: grpc.ServiceError): ConnectError {
  const headers = new Headers();
  for (const [key, values] of Object.entries(error.metadata.getMap())) {
    headers.set(key, Buffer.isBuffer(values) ? values.toString('base64').replace(/=+$/, '') : String(values));
  }
  headers.set('grpc-status', String(error.code));
  headers.set('grpc-message', encodeURIComponent(error.details));
  return findTrailerError(headers) ?? new ConnectError(error.details, error.code as number);
}

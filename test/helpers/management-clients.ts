import * as grpc from '@grpc/grpc-js';
import { fromBinary, fromJson, toBinary, type DescMethodUnary,
  type Message, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { ConnectError, createClient, type Client } from '@connectrpc/connect';
import { findTrailerError } from '@connectrpc/connect/protocol-grpc';
import { createConnectTransport } from '@connectrpc/connect-node';
import { ErrorDetailsSchema } from '../../gen/bpm/webhooks/v1/errors_pb.js';
import type { DescService } from '@bufbuild/protobuf';
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

export function createManagementClient(kind: ClientKind, baseUrl: string, token?: string): ManagementClient {
  switch (kind) {
    case 'gateway':
      return gatewayClient(baseUrl, token);
    case 'connect':
      return connectClient(baseUrl, token);
    case 'grpc':
      return grpcClient(baseUrl, token);
  }
}

function gatewayClient(baseUrl: string, token?: string): ManagementClient {
  return {
    name: 'gateway',
    async call(type, fields = {}) {
      const response = await fetch(`${baseUrl}/api/bpm/cmd`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ $type: type, ...fields }),
      });
      const body = (await response.json()) as Outcome;
      return { ...body, errors: body.errors ?? [], ...(!body.success && { code: response.status }) };
    },
    close() {},
  };
}

/** The services whose RPCs are commands named like their request messages. */
const services: readonly DescService[] = [WebHookConfigService, WebhookEventService];

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
  const names = ['ok', 'canceled', 'unknown', 'invalid_argument', 'deadline_exceeded', 'not_found', 'already_exists',
    'permission_denied', 'resource_exhausted', 'failed_precondition', 'aborted', 'out_of_range', 'unimplemented',
    'internal', 'unavailable', 'data_loss', 'unauthenticated'];
  return names[code] ?? String(code);
}

function connectClient(baseUrl: string, token?: string): ManagementClient {
  const transport = createConnectTransport({ baseUrl, httpVersion: '1.1' });
  type Rpc = (input: unknown, options: object) => Promise<{ message: string }>;
  const clients = new Map(services.map((service) => [service, createClient(service, transport) as unknown as Record<string, Rpc>]));
  return {
    name: 'connect',
    async call(type, fields = {}) {
      const method = methodFor(type);
      try {
        const input = fromJson(method.input, fields as JsonValue);
        const response = await clients.get(method.parent)![method.localName]!(input, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
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
function grpcClient(baseUrl: string, token?: string): ManagementClient {
  const definition: grpc.ServiceDefinition = Object.fromEntries(
    services.flatMap((service) => service.methods).map((method) => [
      method.name,
      {
        path: `/${method.parent.typeName}/${method.name}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (message: Message) => Buffer.from(toBinary(method.input, message)),
        requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
        responseSerialize: (message: Message) => Buffer.from(toBinary(method.output, message)),
        responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
      },
    ]),
  );
  const Client = grpc.makeGenericClientConstructor(definition, WebHookConfigService.typeName);
  const client = new Client(new URL(baseUrl).host, grpc.credentials.createInsecure()) as unknown as Record<
    string,
    (req: unknown, md: grpc.Metadata, cb: (error: grpc.ServiceError | null, response: { message: string }) => void) => void
  > & grpc.Client;
  return {
    name: 'grpc',
    call(type, fields = {}) {
      const method = methodFor(type);
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      return new Promise((resolve) => {
        client[method.name]!.call(client, fromJson(method.input, fields), metadata, (error, response) => {
          if (error) return resolve(failure(grpcError(error)));
          resolve({ success: true, message: response.message, errors: [], data: dataOf(method, response) });
        });
      });
    },
    close: () => client.close(),
  };
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

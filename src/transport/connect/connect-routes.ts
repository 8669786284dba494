import type { DescMethodUnary, DescService, Message } from '@bufbuild/protobuf';
import type { ConnectRouter, HandlerContext, Interceptor, ServiceImpl } from '@connectrpc/connect';
import { AuditService } from '../../../gen/bpm/webhooks/v1/audit_service_pb.js';
import { CommandService } from '../../../gen/bpm/webhooks/v1/command_service_pb.js';
import { ProcessService } from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { SourceCatalogService } from '../../../gen/bpm/webhooks/v1/source_catalog_service_pb.js';
import { TestWebhookService } from '../../../gen/bpm/webhooks/v1/test_webhook_service_pb.js';
import { BpmService } from '../../../gen/bpm/webhooks/v1/bpm_service_pb.js';
import { WebHookConfigService } from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { unauthenticated } from '../../auth/authenticator.js';
import type { CommandBus } from '../../commands/command-bus.js';
import { executeBpmCommand } from '../../commands/execute-bpm-command.js';
import { toConnectError } from '../error-table.js';
import type { Invocation } from '../../commands/command-bus.js';
import { requestIdFrom } from '../invocation.js';
import { rpcActor } from './rpc-actor.js';

export interface ConnectRoutesDeps {
  readonly bus: CommandBus;
}

/** Services whose every RPC is the command named like its request message. */
const commandServices: readonly DescService[] = [
  WebHookConfigService,
  AuditService,
  CommandService,
  WebhookEventService,
  ProcessService,
  SourceCatalogService,
  TestWebhookService,
];

/** Every management service these routes serve (for health and reflection). */
export const managementServices: readonly DescService[] = [...commandServices, BpmService];

/**
 * The gRPC / gRPC-Web / Connect routes: each RPC runs the command named like its request message, as
 * the operator the edge authenticated (authenticate-rpc-calls.ts); a call without one is refused.
 */
export function createConnectRoutes(deps: ConnectRoutesDeps) {
  const invocation = async (context: HandlerContext): Promise<Invocation> => {
    const actor = context.values.get(rpcActor);
    if (!actor) throw unauthenticated();
    return { actor, requestId: requestIdFrom(context.requestHeader.get('x-request-id')) };
  };

  return (router: ConnectRouter) => {
    for (const service of commandServices) router.service(service, commandServiceImpl(service, deps.bus, invocation));
    router.service(BpmService, {
      execute: async (command, context) => executeBpmCommand(deps.bus, command, await invocation(context)),
    });
  };
}

function commandServiceImpl(
  service: DescService,
  bus: CommandBus,
  invocation: (context: HandlerContext) => Promise<Invocation>,
): ServiceImpl<DescService> {
  const rpc = (method: DescMethodUnary) => async (request: Message, context: HandlerContext) => {
    const { message, output } = await bus.execute(method.input.name, request, await invocation(context));
    return { ...output, message };
  };
  const unaryMethods = service.methods.filter((method): method is DescMethodUnary => method.methodKind === 'unary');
  return Object.fromEntries(unaryMethods.map((method) => [method.localName, rpc(method)])) as ServiceImpl<DescService>;
}

/** Every failure leaves as a gRPC status with the `errors` list attached as a detail. */
export const translateErrors: Interceptor = (next) => async (request) => {
  try {
    return await next(request);
  } catch (error) {
    throw toConnectError(error);
  }
};

import { createContextValues, type ContextValues } from '@connectrpc/connect';
import type { connectNodeAdapter } from '@connectrpc/connect-node';
import type { Actor } from '../../commands/command.js';
import type { Authenticator } from '../../auth/authenticator.js';
import { toConnectError } from '../error-table.js';
import { refuseRpcCall } from './refuse-rpc-call.js';
import { rpcActor } from './rpc-actor.js';

type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;
type NodeServerRequest = Parameters<NodeHandlerFn>[0];

/** Every RPC of the service's own API lives under this path; others (health, the plain routes) pass through. */
const rpcPathPrefix = '/bpm.webhooks.v1.';

/** The RPC edge's authentication: a handler wrapper, and where the routes find who was authenticated. */
export interface RpcAuthentication {
  /** Authenticates each RPC from its headers, and refuses it before its body is read. */
  wrap(handler: NodeHandlerFn): NodeHandlerFn;
  /** For connectNodeAdapter's `contextValues`: the actor of an authenticated call, under `rpcActor`. */
  contextValues(request: NodeServerRequest): ContextValues;
}

/**
 * gRPC, gRPC-Web and Connect calls are authenticated once, here, from their Authorization header,
 * before Connect reads and decodes their bodies (up to MAX_BODY_BYTES); the routes take the actor
 * from the call's context instead of verifying the token again.
 */
export function authenticateRpcCalls(authenticate: Authenticator): RpcAuthentication {
  const actors = new WeakMap<NodeServerRequest, Actor>();
  return {
    wrap: (handler) => (request, response) => {
      if (!request.url?.startsWith(rpcPathPrefix)) return handler(request, response);
      // with-request-id.ts has given every request its id by now.
      authenticate(request.headers.authorization, { requestId: String(request.headers['x-request-id']) })
        .then(
          (actor) => {
            actors.set(request, actor);
            handler(request, response);
          },
          (error: unknown) => refuseRpcCall(request, response, toConnectError(error)),
        )
        // The client went away while its token was checked: nothing is left to answer.
        .catch(() => request.socket?.destroy());
    },
    contextValues: (request) => createContextValues().set(rpcActor, actors.get(request)),
  };
}

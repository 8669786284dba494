import http2 from 'node:http2';
import { Code, ConnectError, type Interceptor, type ServiceImpl } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { ExecutionService } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import { constantTimeEqual } from '../domain/constant-time-equal.js';
import { traceRpcCalls } from '../tracing/trace-rpc-calls.js';
import type { Tracing } from '../tracing/tracing.js';
import type { ExecutionRunner } from './execution-job.js';
import { jobFromRequest, toExecutionResult } from './execution-wire.js';

/** The ExecutionService over Connect: the wire form of the runner, for a service at EXECUTOR_URL. */
export function createExecutionServiceImpl(runner: ExecutionRunner): ServiceImpl<typeof ExecutionService> {
  return {
    async execute(request, context) {
      // The caller's reset or deadline aborts context.signal, and with it the work.
      return toExecutionResult(await runner.execute(jobFromRequest(request), { signal: context.signal }));
    },
  };
}

/**
 * An executor process's server: the ExecutionService alone, on cleartext HTTP/2 (gRPC, Connect),
 * not listening yet. With a token, every call must carry `authorization: Bearer <token>`: whoever
 * reaches this port can run code and commands with a webhook's rights. With tracing, each call gets a
 * `server` span, child of the caller's `traceparent` (the service's attempt), and the execution's
 * spans are its children.
 */
export function createExecutorServer(
  runner: ExecutionRunner,
  token: string | undefined,
  tracing?: Tracing | undefined,
): http2.Http2Server {
  return http2.createServer(
    connectNodeAdapter({
      routes: (router) => router.service(ExecutionService, createExecutionServiceImpl(runner)),
      // Outermost first: a refused call's span says so.
      interceptors: [...(tracing ? [traceRpcCalls(tracing)] : []), ...(token ? [requireBearer(token)] : [])],
    }),
  );
}

function requireBearer(token: string): Interceptor {
  const expected = `Bearer ${token}`;
  return (next) => (request) => {
    if (!constantTimeEqual(request.header.get('authorization') ?? '', expected))
      throw new ConnectError('Unauthorized', Code.Unauthenticated);
    return next(request);
  };
}

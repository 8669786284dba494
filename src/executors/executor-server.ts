import http2 from 'node:http2';
import { Code, ConnectError, type Interceptor, type ServiceImpl } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { ExecutionService } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import { constantTimeEqual } from '../domain/constant-time-equal.js';
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
 * reaches this port can run code and commands with a webhook's rights.
 */
export function createExecutorServer(runner: ExecutionRunner, token: string | undefined): http2.Http2Server {
  return http2.createServer(
    connectNodeAdapter({
      routes: (router) => router.service(ExecutionService, createExecutionServiceImpl(runner)),
      interceptors: token ? [requireBearer(token)] : [],
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

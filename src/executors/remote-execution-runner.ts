import { createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { ExecutionService } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import { traceRpcClientCalls } from '../tracing/trace-rpc-calls.js';
import type { ExecutionRunner } from './execution-job.js';
import { outcomeFromResult, toExecutionRequest } from './execution-wire.js';

/** Where the executor process listens (EXECUTOR_URL) and the bearer secret it wants (EXECUTOR_TOKEN). */
export interface RemoteExecutorsOptions {
  readonly url: string;
  readonly token: string | undefined;
}

/**
 * The executor process at `url`, over Connect (binary, HTTP/2, one connection kept alive and
 * probed with pings). The call's signal resets its stream, which aborts the work in the executor
 * process too. A traced attempt's call carries its `traceparent`. `close` drops the connection at shutdown.
 */
export function createRemoteExecutionRunner(options: RemoteExecutorsOptions): ExecutionRunner & { close(): void } {
  // A ping unanswered for 5 s drops the connection, so a vanished executor process fails its calls
  // instead of leaving them to the lease.
  const sessions = new Http2SessionManager(options.url, { pingIntervalMs: 10_000, pingTimeoutMs: 5_000 });
  const bearer: Interceptor = (next) => (request) => {
    request.header.set('authorization', `Bearer ${options.token}`);
    return next(request);
  };
  const transport = createConnectTransport({
    baseUrl: options.url,
    httpVersion: '2',
    useBinaryFormat: true,
    sessionManager: sessions,
    // The attempt's trace goes with each call (a client span's traceparent; nothing when untraced).
    interceptors: [traceRpcClientCalls(), ...(options.token ? [bearer] : [])],
  });
  const client = createClient(ExecutionService, transport);
  return {
    async execute(job, callOptions) {
      const result = await client.execute(toExecutionRequest(job), { signal: callOptions?.signal });
      return outcomeFromResult(result);
    },
    close: () => sessions.abort(),
  };
}

import { ConnectError, type Interceptor } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import type { Metrics } from './metrics.js';

/** A Connect interceptor that counts and times every RPC by its method and the code it ended with. */
export function rpcMetrics(metrics: Metrics): Interceptor {
  return (next) => async (request) => {
    const method = `/${request.service.typeName}/${request.method.name}`;
    const stop = metrics.rpcDuration.startTimer({ method });
    try {
      const response = await next(request);
      metrics.rpcRequests.inc({ method, code: 'ok' });
      return response;
    } catch (error) {
      metrics.rpcRequests.inc({ method, code: codeToString(ConnectError.from(error).code) });
      throw error;
    } finally {
      stop();
    }
  };
}

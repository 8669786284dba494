import { ConnectError, type Interceptor } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import { SpanKind } from '@opentelemetry/api';
import { contextFromHeaders } from './trace-context.js';
import { inSpan, markFailed, type Tracing } from './tracing.js';

/**
 * A Connect interceptor giving every management RPC (gRPC, gRPC-Web, Connect) a `server` span,
 * child of the caller's `traceparent`. Recorded: service, method and the status code; never the
 * request, the response or the caller's token.
 */
export function traceRpcCalls(tracing: Tracing): Interceptor {
  return (next) => (request) => {
    const service = request.service.typeName;
    const method = request.method.name;
    const attributes = { 'rpc.system': 'connect_rpc', 'rpc.service': service, 'rpc.method': method };
    const headers = { traceparent: request.header.get('traceparent'), tracestate: request.header.get('tracestate') };
    const parent = contextFromHeaders(tracing, headers);
    return inSpan(
      tracing,
      `${service}/${method}`,
      { kind: SpanKind.SERVER, attributes },
      async (span) => {
        try {
          const response = await next(request);
          span.setAttribute('rpc.connect_rpc.error_code', 'ok');
          return response;
        } catch (error) {
          const code = codeToString(ConnectError.from(error).code);
          span.setAttribute('rpc.connect_rpc.error_code', code);
          markFailed(span, code);
          throw error;
        }
      },
      parent,
    );
  };
}

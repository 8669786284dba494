import { ConnectError, type Interceptor } from '@connectrpc/connect';
import { codeToString } from '@connectrpc/connect/protocol-connect';
import { SpanKind } from '@opentelemetry/api';
import { contextFromHeaders, traceHeadersOf } from './trace-context.js';
import { activeTracing, inSpan, markFailed, type Tracing } from './tracing.js';

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

/**
 * A Connect client interceptor giving each call made under traced work (an attempt's execution
 * sent to the executor process) a `client` span, whose `traceparent` goes with the request: the
 * executor process's server span, and its work, are that span's children. Outside traced work
 * (and with tracing off) the call goes as it is.
 */
export function traceRpcClientCalls(): Interceptor {
  return (next) => (request) => {
    const tracing = activeTracing();
    if (!tracing) return next(request);
    const service = request.service.typeName;
    const method = request.method.name;
    const attributes = { 'rpc.system': 'connect_rpc', 'rpc.service': service, 'rpc.method': method };
    return inSpan(tracing, `${service}/${method}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      for (const [name, value] of Object.entries(traceHeadersOf(tracing, span))) request.header.set(name, value);
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
    });
  };
}

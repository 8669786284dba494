import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { Logger } from 'pino';
import type { Authenticator } from './auth/authenticator.js';
import type { CommandBus } from './commands/command-bus.js';
import { defaultConnectionLimits, type ConnectionLimits } from './config/config.js';
import { authenticateRpcCalls } from './transport/connect/authenticate-rpc-calls.js';
import { createConnectRoutes, managementServices, translateErrors } from './transport/connect/connect-routes.js';
import type { Metrics } from './metrics/metrics.js';
import { rpcMetrics } from './metrics/rpc-metrics.js';
import { traceHttpRoute } from './transport/http/trace-http-route.js';
import { traceRpcCalls } from './tracing/trace-rpc-calls.js';
import type { Tracing } from './tracing/tracing.js';
import { Health } from '../gen/grpc/health/v1/health_pb.js';
import { addHealthService } from './transport/connect/health-service.js';
import { addReflectionServices, reflectionServices } from './transport/connect/reflection-service.js';
import { file_bpm_webhooks_v1_errors } from '../gen/bpm/webhooks/v1/errors_pb.js';
import { createBpmCommandGateway } from './transport/gateway/bpm-command-gateway.js';
import { createConsoleRoutes } from './transport/http/console-route.js';
import { createHealthRoutes } from './transport/http/health-routes.js';
import type { HttpRoute } from './transport/http/http-types.js';
import { routeRequests } from './transport/http/route-requests.js';
import { limitH2Session } from './transport/sockets/limit-h2-session.js';
import { sniffProtocol } from './transport/sockets/sniff-protocol.js';
import { stopReadingWhenAnswered } from './transport/http/stop-reading-when-answered.js';
import { withRequestId } from './transport/http/with-request-id.js';
import { limitPipelinedRequests } from './transport/http/limit-pipelined-requests.js';
import type { ConsoleSettings } from './transport/http/console-route.js';

export interface ServerDeps {
  readonly bus: CommandBus;
  readonly authenticate: Authenticator;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  /** Readiness: the store answers and is migrated. */
  readonly isReady: () => Promise<boolean>;
  /** What a ready `/readyz` adds to its answer (stored configurations that cannot run). */
  readonly readinessDetail?: () => Promise<Record<string, unknown>>;
  /** Further plain endpoints (webhook ingress, JWKS, metrics), checked after the built-in ones. */
  readonly routes?: readonly HttpRoute[];
  /** Timeouts and the connection cap (defaults: `defaultConnectionLimits`). */
  readonly connections?: ConnectionLimits;
  /** Counts requests and RPCs (see metrics/); absent in tools that need none. */
  readonly metrics?: Metrics;
  /** Serves gRPC server reflection (default true; GRPC_REFLECTION=false turns it off). */
  readonly grpcReflection?: boolean;
  /** Where the console's files are and whether their source maps are served (default: dist/console, no maps). */
  readonly console?: ConsoleSettings;
  /** Gives every RPC a server span (see tracing/); absent when tracing is off. */
  readonly tracing?: Tracing | undefined;
}

export interface AppServer {
  /** Starts listening; port 0 picks a free port. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

/**
 * One listener for everything: gRPC (h2c), gRPC-Web and Connect on HTTP/1.1 or h2c, and the plain
 * endpoints. Node 20 ignores `allowHTTP1` without TLS, so the first bytes of each connection decide
 * whether it goes to the HTTP/2 or the HTTP/1.1 server.
 */
export function createServer(deps: ServerDeps): AppServer {
  // The console's static files come last: no webhook or API request is ever checked against them.
  const plainRoutes = [
    ...createHealthRoutes(deps.isReady, deps.readinessDetail),
    // The legacy JSON endpoint is management too: a server span, as every RPC gets one.
    traceHttpRoute(createBpmCommandGateway(deps), deps.tracing),
    ...(deps.routes ?? []),
    ...createConsoleRoutes(deps.console),
  ];
  const rpcAuthentication = authenticateRpcCalls(deps.authenticate);
  const connectRoutes = createConnectRoutes(deps);
  const connectHandler = connectNodeAdapter({
    routes: (router) => {
      connectRoutes(router);
      addHealthService(router, { services: managementServices, isReady: deps.isReady });
      if (deps.grpcReflection ?? true)
        addReflectionServices(router, [...managementServices, Health, ...reflectionServices], [file_bpm_webhooks_v1_errors]);
    },
    contextValues: rpcAuthentication.contextValues,
    // Outermost first: metrics and the span see the code each failure leaves with.
    interceptors: [
      ...(deps.tracing ? [traceRpcCalls(deps.tracing)] : []),
      ...(deps.metrics ? [rpcMetrics(deps.metrics)] : []),
      translateErrors,
    ],
    // The same MAX_BODY_BYTES as the plain endpoints (Connect's own default is 4 GiB), also after
    // decompression: a call is refused before its body is buffered, whoever sends it.
    readMaxBytes: deps.maxBodyBytes,
    fallback: routeRequests(plainRoutes, deps.log, deps.metrics),
  });
  const handler = stopReadingWhenAnswered(rpcAuthentication.wrap(connectHandler));
  const limits = deps.connections ?? defaultConnectionLimits;
  const http1 = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the two timeouts above are checked (Node's default, 30 s, would let a slow client
      // hold its connection that much longer).
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 4)),
    },
    withRequestId(limitPipelinedRequests(handler, limits.maxPipelinedRequests)),
  );
  // http1 never listens itself (the listener hands it sockets), so start its timeout checks by hand.
  http1.emit('listening');
  const h2c = http2.createServer({ settings: { maxConcurrentStreams: limits.h2MaxConcurrentStreams } }, withRequestId(handler));
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2c.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    limitH2Session(session, { idleTimeoutMs: limits.h2IdleTimeoutMs, requestTimeoutMs: limits.requestTimeoutMs });
  });

  const listener = net.createServer((socket) => {
    sockets.add(socket);
    // As Node's own servers do for the connections they accept: small answers go out at once.
    socket.setNoDelay(true);
    socket.once('close', () => sockets.delete(socket));
    sniffProtocol(socket, limits.firstByteTimeoutMs, (protocol) =>
      (protocol === 'http2' ? h2c : http1).emit('connection', socket),
    );
  });
  // Beyond the cap, Node closes a new connection as soon as it is accepted.
  listener.maxConnections = limits.maxConnections;

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, host, () => {
          listener.off('error', reject);
          // Once listening, an accept failure (EMFILE when file descriptors run out) is logged, not fatal.
          listener.on('error', (error) => deps.log.error({ err: error }, 'accepting a connection failed'));
          resolve(listener.address() as AddressInfo);
        });
      }),
    async close(graceMs = 5_000) {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      http1.closeIdleConnections();
      const deadline = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      for (const session of sessions) session.close();
      h2c.close();
      http1.close();
      await closed;
      clearTimeout(deadline);
    },
  };
}

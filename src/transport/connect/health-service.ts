import type { DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter } from '@connectrpc/connect';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../../../gen/grpc/health/v1/health_pb.js';

export interface HealthServiceOptions {
  /** The services a caller may ask about by name ("" is the server as a whole). */
  readonly services: readonly DescService[];
  /** Readiness: the store answers and is migrated, and the server is not draining. */
  readonly isReady: () => Promise<boolean>;
  /** How often Watch looks at readiness again (default 5 s). */
  readonly watchIntervalMs?: number;
}

/**
 * The standard `grpc.health.v1.Health`: SERVING while the service is ready, NOT_SERVING otherwise;
 * every served service shares that status. Watch sends the status, then each change.
 */
export function addHealthService(router: ConnectRouter, options: HealthServiceOptions): void {
  const known = new Set(['', ...options.services.map((service) => service.typeName), Health.typeName]);
  const status = async () => ((await options.isReady().catch(() => false)) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  router.service(Health, {
    async check(request) {
      if (!known.has(request.service)) throw new ConnectError(`Unknown service ${request.service}`, Code.NotFound);
      return { status: await status() };
    },
    async *watch(request, context) {
      if (!known.has(request.service)) {
        yield { status: ServingStatus.SERVICE_UNKNOWN };
        return;
      }
      let last: ServingStatus | undefined;
      while (!context.signal.aborted) {
        const current = await status();
        if (current !== last) yield { status: current };
        last = current;
        await sleep(options.watchIntervalMs ?? 5_000, context.signal);
      }
    },
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

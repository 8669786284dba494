import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { GetWebHookConfigByIdQuerySchema, WebHookConfigService } from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import type { LoadResult } from './http-load.js';

/**
 * GetWebHookConfigById over gRPC (h2c, one HTTP/2 connection per caller), `callers` at once, for
 * `seconds`. autocannon speaks HTTP/1.1 only, so gRPC gets this small loop with the same summary.
 */
export async function runGrpcLoad(options: {
  baseUrl: string;
  token: string;
  id: number;
  callers: number;
  seconds: number;
}): Promise<LoadResult> {
  const request = create(GetWebHookConfigByIdQuerySchema, { id: BigInt(options.id) });
  const headers = { authorization: `Bearer ${options.token}` };
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.callers }, async () => {
      const client = createClient(WebHookConfigService, createGrpcTransport({ baseUrl: options.baseUrl }));
      while (performance.now() < until) {
        const sent = performance.now();
        try {
          await client.getWebHookConfigById(request, { headers });
          latencies.push(performance.now() - sent);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0);
  return {
    rps: latencies.length / options.seconds,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    errors,
    requests: latencies.length + errors,
  };
}

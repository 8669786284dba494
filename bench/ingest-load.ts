/**
 * The load generator of the ingest benchmark, in a process of its own so that it runs on its own
 * core and the service's event loop serves only the service. Takes its plan from the parent over
 * IPC and sends back one summary line.
 */

export interface LoadPlan {
  readonly url: string;
  readonly mode: string;
  readonly total: number;
  readonly concurrency: number;
  readonly expectedStatus: number;
}

const plan = await new Promise<LoadPlan>((resolve) => process.once('message', (message) => resolve(message as LoadPlan)));
const latencies: number[] = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: plan.concurrency }, async () => {
    while (next < plan.total) {
      const n = next++;
      const sent = performance.now();
      const response = await fetch(plan.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${plan.mode}-${n}` },
        body: JSON.stringify({ event: 'charge.success', data: { reference: `T-${n}`, amount: 5000 } }),
      });
      await response.arrayBuffer();
      if (response.status !== plan.expectedStatus) throw new Error(`${plan.mode}: status ${response.status}`);
      latencies.push(performance.now() - sent);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]!.toFixed(1);
process.send!(
  `${plan.mode}: ${plan.total} requests, concurrency ${plan.concurrency}: ${(plan.total / seconds).toFixed(0)} req/s, ` +
    `p50 ${quantile(0.5)} ms, p99 ${quantile(0.99)} ms`,
);
process.disconnect();

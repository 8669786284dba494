import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A forward target that measures what a limit must hold: how many requests it had at once, and
 * how many arrived within any one second. Each request is held `holdMs` before its 200; while
 * `busyAnswers` is above zero, a request is answered 429 with `Retry-After: <retryAfterSeconds>`.
 */
export async function startCountingTarget(options: { holdMs: number }) {
  const arrivals: number[] = [];
  /** The bodies of the requests answered 200, in arrival order. */
  const bodies: string[] = [];
  const state = { inFlight: 0, maxInFlight: 0, busyAnswers: 0, retryAfterSeconds: 1, answeredBusy: [] as number[] };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      if (state.busyAnswers > 0) {
        state.busyAnswers -= 1;
        state.answeredBusy.push(at);
        response.writeHead(429, { 'retry-after': String(state.retryAfterSeconds) }).end('slow down');
        return;
      }
      arrivals.push(at);
      bodies.push(Buffer.concat(chunks).toString());
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      setTimeout(() => {
        state.inFlight -= 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }, options.holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    state,
    arrivals,
    bodies,
    /** The most requests answered 200 that arrived within any one second. */
    maxInAnySecond: () => maxWithin(arrivals, 1_000),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most of `times` (ms) that fall within any window of `windowMs`. */
export function maxWithin(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

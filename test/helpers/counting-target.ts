import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A forward target that measures what a limit must hold: how many requests it had at once, and
 * how many arrived within any one second. Each request is held `holdMs` before its 200; while
 * `busyAnswers` is above zero, a request is answered 429 with `Retry-After: <retryAfterSeconds>`.
 * While the gate is closed, requests are held until `releaseOldest` or `openGate` lets them go, so
 * a test can know which runs are still under way. A request whose caller went away (a killed
 * process) is no longer in flight.
 */
export async function startCountingTarget(options: { holdMs: number }) {
  const arrivals: number[] = [];
  /** The bodies of the requests that were let through (answered 200 unless their caller went away), in arrival order. */
  const bodies: string[] = [];
  const state = { inFlight: 0, maxInFlight: 0, busyAnswers: 0, retryAfterSeconds: 1, answeredBusy: [] as number[] };
  const gate = { closed: false, held: [] as (() => void)[] };
  const answerLater = (answer: () => void) => {
    if (gate.closed) gate.held.push(answer);
    else setTimeout(answer, options.holdMs);
  };
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
      response.on('close', () => {
        state.inFlight -= 1;
      });
      answerLater(() => {
        if (!response.destroyed) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    state,
    arrivals,
    bodies,
    /** From now on, hold every request until it is released. */
    closeGate: () => {
      gate.closed = true;
    },
    /** How many requests the closed gate holds. */
    heldCount: () => gate.held.length,
    /** Answers the request held longest. */
    releaseOldest: () => gate.held.shift()?.(),
    /** Answers every held request, and holds the next ones only `holdMs` again. */
    openGate: () => {
      gate.closed = false;
      for (const answer of gate.held.splice(0)) answer();
    },
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

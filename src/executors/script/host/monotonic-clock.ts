/**
 * Milliseconds on the machine's monotonic clock (`process.hrtime`: CLOCK_MONOTONIC on Linux), which
 * the service and its hosts share; `performance.now()` counts from each process's own start instead.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000n) / 1_000;
}

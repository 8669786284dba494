import type { ExecutionJob } from './execution-job.js';

/** The config's `timeoutMs` for this execution; undefined when it sets none. */
export function configTimeoutMs(job: ExecutionJob): number | undefined {
  return job.timeoutMs && job.timeoutMs > 0 ? job.timeoutMs : undefined;
}

/**
 * The caller's signal, also aborted when the config's `timeoutMs` passes. Each executor applies the
 * config's limit itself, so that its own result (the chain's steps, the script's logs) says what ran.
 */
export function withConfigTimeout(signal: AbortSignal, job: ExecutionJob): AbortSignal {
  const timeoutMs = configTimeoutMs(job);
  return timeoutMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
}

/** The work's outcome, or 'aborted' as soon as the signal aborts (the work holds the same signal and stops itself). */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
  if (signal.aborted) return 'aborted';
  let onAbort = () => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

import type { ExecutionJob } from './execution-job.js';

/** The config's `timeoutMs` for this execution; undefined when it sets none. */
export function configTimeoutMs(job: ExecutionJob): number | undefined {
  return job.timeoutMs && job.timeoutMs > 0 ? job.timeoutMs : undefined;
}

/**
 * Runs `work` with the caller's signal, also aborted when the config's `timeoutMs` passes. Each
 * executor applies the config's limit itself, so that its own result (the chain's steps, the
 * script's logs) says what ran.
 */
export function withConfigTimeout<T>(
  signal: AbortSignal,
  job: ExecutionJob,
  work: (bounded: AbortSignal) => Promise<T>,
): Promise<T> {
  return withTimeLimit(signal, configTimeoutMs(job), work);
}

/**
 * Runs `work` with `signal`, also aborted once `ms` have passed (none: `signal` as it is); the limit's
 * timer is cleared as soon as the work ends, so that thousands of attempts a second do not each leave
 * a timer, and the controller it holds, alive for the rest of their limit.
 */
export async function withTimeLimit<T>(
  signal: AbortSignal,
  ms: number | undefined,
  work: (bounded: AbortSignal) => Promise<T>,
): Promise<T> {
  if (ms === undefined) return work(signal);
  const limit = abortAfter(signal, ms);
  try {
    return await work(limit.signal);
  } finally {
    limit.clear();
  }
}

/** A signal with a time limit, and the way to drop that limit once the work it bounds has ended. */
export interface TimeLimit {
  readonly signal: AbortSignal;
  clear(): void;
}

/**
 * `signal`, also aborted once `ms` have passed. Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`:
 * nothing holds that timeout signal strongly, so Node may collect it, and its timer with it, before
 * it fires; the combined signal then never aborts and the work runs past its limit (seen in the suite).
 * Here the timer holds the controller until it fires or is cleared.
 */
export function abortAfter(signal: AbortSignal, ms: number): TimeLimit {
  const controller = new AbortController();
  if (signal.aborted) {
    controller.abort(signal.reason);
    return { signal: controller.signal, clear: () => {} };
  }
  const onAbort = () => {
    clearTimeout(timer);
    controller.abort(signal.reason);
  };
  const timer = setTimeout(() => {
    signal.removeEventListener('abort', onAbort);
    controller.abort(new DOMException(`Timed out after ${ms} ms`, 'TimeoutError'));
  }, ms);
  timer.unref();
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * The work's outcome, or 'aborted' as soon as the signal aborts (the work holds the same signal and
 * stops itself).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
  return raceAbort<T, 'aborted'>(work, signal, (resolve) => resolve('aborted'));
}

/** The work's result, or a rejection with the signal's reason as soon as it aborts (as a Connect call does). */
export function rejectOnAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return raceAbort<T, never>(work, signal, (_, reject) => reject(signal.reason));
}

/**
 * Settles with the work, or as `onAbort` says once the signal aborts (at once if it already has).
 * One promise and one listener: it runs around every execution, and Promise.race in an async
 * function cost three more promises each time.
 */
function raceAbort<T, A>(
  work: Promise<T>,
  signal: AbortSignal,
  onAbort: (resolve: (value: A) => void, reject: (reason: unknown) => void) => void,
): Promise<T | A> {
  return new Promise<T | A>((resolve, reject) => {
    if (signal.aborted) return onAbort(resolve, reject);
    const aborted = () => onAbort(resolve, reject);
    signal.addEventListener('abort', aborted, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', aborted);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', aborted);
        reject(error);
      },
    );
  });
}

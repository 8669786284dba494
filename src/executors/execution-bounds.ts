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
  return timeoutMs === undefined ? signal : abortAfter(signal, timeoutMs);
}

/**
 * `signal`, also aborted once `ms` have passed. Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`:
 * nothing holds that timeout signal strongly, so Node may collect it, and its timer with it, before
 * it fires; the combined signal then never aborts and the work runs past its limit (seen in the suite).
 * Here the timer holds the controller until it fires.
 */
export function abortAfter(signal: AbortSignal, ms: number): AbortSignal {
  const controller = new AbortController();
  if (signal.aborted) {
    controller.abort(signal.reason);
    return controller.signal;
  }
  const timer = setTimeout(() => controller.abort(new DOMException(`Timed out after ${ms} ms`, 'TimeoutError')), ms);
  timer.unref();
  signal.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      controller.abort(signal.reason);
    },
    { once: true },
  );
  return controller.signal;
}

/**
 * The work's outcome, or 'aborted' as soon as the signal aborts (the work holds the same signal and
 * stops itself). One promise and one listener: it runs around every execution, and Promise.race in
 * an async function cost three more promises each time.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise<T | 'aborted'>((resolve, reject) => {
    const onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

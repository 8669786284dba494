import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { abortAfter, rejectOnAbort, untilAborted, withTimeLimit } from '../../src/executors/execution-bounds.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('abortAfter', () => {
  it('aborts after its time even when garbage is collected meanwhile (on Node 20, AbortSignal.any with AbortSignal.timeout does not)', async () => {
    const caller = new AbortController();
    const bounded = abortAfter(caller.signal, 100).signal;
    for (let round = 0; round < 3; round++) {
      collectGarbage();
      await sleep(10);
    }
    await sleep(300);
    expect(bounded.aborted).toBe(true);
    expect((bounded.reason as DOMException).name).toBe('TimeoutError');
  });

  it("aborts with the caller's reason when the caller aborts first, or already has", () => {
    const caller = new AbortController();
    const bounded = abortAfter(caller.signal, 60_000).signal;
    caller.abort(new Error('cancelled'));
    expect(bounded.aborted).toBe(true);
    expect((bounded.reason as Error).message).toBe('cancelled');
    expect(abortAfter(caller.signal, 60_000).signal.aborted).toBe(true);
  });
});

describe('withTimeLimit', () => {
  it('drops the limit once the work has ended: its signal does not abort later, nor with the caller', async () => {
    const caller = new AbortController();
    let bounded: AbortSignal | undefined;
    const answer = await withTimeLimit(caller.signal, 50, async (signal) => {
      bounded = signal;
      return 'done';
    });
    expect(answer).toBe('done');
    await sleep(120);
    caller.abort(new Error('cancelled'));
    expect(bounded?.aborted).toBe(false);
  });

  it("aborts the work that outlives its limit, and passes the caller's signal as it is without one", async () => {
    const caller = new AbortController();
    const reason = await withTimeLimit(
      caller.signal,
      30,
      (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason))),
    );
    expect((reason as DOMException).name).toBe('TimeoutError');
    expect(await withTimeLimit(caller.signal, undefined, async (signal) => signal)).toBe(caller.signal);
  });
});

describe('untilAborted and rejectOnAbort', () => {
  it('settle with the work, or as soon as the signal aborts: with "aborted", or rejecting with its reason', async () => {
    const never = new Promise<string>(() => {});
    expect(await untilAborted(Promise.resolve('done'), new AbortController().signal)).toBe('done');
    const caller = new AbortController();
    const waiting = untilAborted(never, caller.signal);
    const rejecting = rejectOnAbort(never, caller.signal);
    caller.abort(new Error('cancelled'));
    expect(await waiting).toBe('aborted');
    await expect(rejecting).rejects.toThrow('cancelled');
    // A signal aborted before the race starts settles it at once.
    expect(await untilAborted(never, caller.signal)).toBe('aborted');
    await expect(rejectOnAbort(never, caller.signal)).rejects.toThrow('cancelled');
  });
});

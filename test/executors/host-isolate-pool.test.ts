import { afterAll, describe, expect, it } from 'vitest';
import { createIsolatePool } from '../../src/executors/script/host/isolate-pool.js';

describe('script host isolate pool', () => {
  const pool = createIsolatePool({ size: 1, memoryMb: 32 });
  afterAll(() => pool.dispose());

  it('drops a waiter whose signal aborts, and hands the isolate to the next one', async () => {
    const held = await pool.acquire({ overflow: false });
    const controller = new AbortController();
    const cancelled = pool.acquire({ overflow: false, signal: controller.signal });
    const next = pool.acquire({ overflow: false });
    controller.abort(new Error('attempt timed out'));
    await expect(cancelled).rejects.toThrow('attempt timed out');

    pool.release(held, false);
    expect(await next).toBe(held);
    pool.release(held, false);
  });

  it('refuses at once when the signal has already aborted, even with an idle isolate', async () => {
    await expect(pool.acquire({ overflow: false, signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
    const idle = await pool.acquire({ overflow: false });
    pool.release(idle, false);
  });
});

import { describe, expect, it } from 'vitest';
import { createInstanceQueue } from '../../src/processes/instance-queue.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('the per-instance queue of the process runtime', () => {
  it('runs the work on one instance one at a time, in order, even after a failure', async () => {
    const queue = createInstanceQueue();
    const order: string[] = [];
    const gate = deferred();
    const first = queue.exclusive(1, async () => {
      order.push('first starts');
      await gate.promise;
      order.push('first ends');
      throw new Error('first failed');
    });
    const second = queue.exclusive(1, async () => {
      order.push('second');
      return 2;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first starts']);
    gate.resolve();
    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe(2);
    expect(order).toEqual(['first starts', 'first ends', 'second']);
  });

  it('runs the work on other instances meanwhile, and holds nothing once all is done', async () => {
    const queue = createInstanceQueue();
    const gate = deferred();
    const held = queue.exclusive(1, () => gate.promise);
    await expect(queue.exclusive(2, async () => 'other')).resolves.toBe('other');
    expect(queue.inFlight()).toHaveLength(1);
    gate.resolve();
    await held;
    await Promise.all(queue.inFlight());
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.inFlight()).toEqual([]);
  });
});

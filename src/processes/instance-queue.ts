/** Serialises the work on each instance inside this process: one advance of an instance at a time. */
export interface InstanceQueue {
  /** Runs `work` after any earlier work on the same instance in this process has finished. */
  exclusive<T>(id: number, work: () => Promise<T>): Promise<T>;
  /** The work queued or running now, settled or not (never rejecting): what dispose waits for. */
  inFlight(): Promise<unknown>[];
}

export function createInstanceQueue(): InstanceQueue {
  const active = new Map<number, Promise<unknown>>();
  return {
    exclusive<T>(id: number, work: () => Promise<T>): Promise<T> {
      const previous = active.get(id) ?? Promise.resolve();
      const next = previous.catch(() => {}).then(work);
      const tail = next.catch(() => {});
      active.set(id, tail);
      void tail.then(() => {
        if (active.get(id) === tail) active.delete(id);
      });
      return next;
    },
    inFlight: () => [...active.values()],
  };
}

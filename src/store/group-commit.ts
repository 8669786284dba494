/** How one item of a batch came out: its own result, or its own failure. */
export type ItemOutcome<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

/** Options of a group commit. */
export interface GroupCommitOptions<I, O> {
  /** Most items written by one statement. */
  readonly maxBatch: number;
  /** How long the first item of a batch waits for others to join it, when a connection is free. */
  readonly maxWaitMs: number;
  /** Batches written at once, each on a connection of its own. */
  readonly maxInFlight: number;
  /**
   * Writes a batch in one statement (or transaction) and resolves, once that has committed, to one
   * result per item in the items' order.
   */
  readonly write: (items: readonly I[]) => Promise<readonly O[]>;
  /**
   * Whether a batch that failed with this error may hold one bad item (a value the database refuses)
   * rather than a fault of the store: then each item is written alone, and only the bad one fails.
   */
  readonly isItemFault: (error: unknown) => boolean;
}

/** Writes concurrent callers' items together: one statement per batch instead of one per item. */
export interface GroupCommit<I, O> {
  /**
   * Resolves to the item's result only after the statement that wrote it has committed; rejects
   * with that statement's failure (every item of a batch the store could not take) or the item's own.
   */
  submit(item: I): Promise<O>;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a batch is collecting (at most `maxWaitMs`, at most
 * `maxBatch` items) or while every connection is busy are written by one statement. A caller's
 * promise settles only with the outcome of the statement that holds its item, so nothing is
 * acknowledged before it is durable. When that statement fails for one item's sake, the others are
 * written again without it and that item's caller alone gets the error.
 */
export function createGroupCommit<I, O>(options: GroupCommitOptions<I, O>): GroupCommit<I, O> {
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;

  const start = () => {
    clearTimeout(timer);
    timer = undefined;
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight += 1;
      void writeBatch(batch).finally(() => {
        inFlight -= 1;
        // What queued up meanwhile has waited long enough: write it now.
        if (queue.length > 0) start();
      });
    }
  };

  const writeBatch = async (batch: Pending<I, O>[]) => {
    const outcomes = await writeIsolating(
      batch.map((pending) => pending.item),
      options,
    );
    outcomes.forEach((outcome, index) => {
      const pending = batch[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  };

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= options.maxBatch) start();
        else if (!timer && inFlight < options.maxInFlight) timer = setTimeout(start, options.maxWaitMs);
      });
    },
  };
}

/** Writes the items in one statement; when that fails for an item's sake, each alone. */
async function writeIsolating<I, O>(
  items: readonly I[],
  options: Pick<GroupCommitOptions<I, O>, 'write' | 'isItemFault'>,
): Promise<ItemOutcome<O>[]> {
  try {
    const values = await options.write(items);
    return values.map((value) => ({ ok: true, value }));
  } catch (error) {
    if (items.length === 1 || !options.isItemFault(error)) return items.map(() => ({ ok: false, error }));
  }
  return Promise.all(
    items.map((item) =>
      options.write([item]).then(
        ([value]) => ({ ok: true as const, value: value as O }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ),
  );
}

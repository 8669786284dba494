import type { Db } from '../store/open-database.js';
import { saveProcessInstance, type ProcessInstanceChange } from '../store/process-instances.js';
import type { RunDeps } from './run-types.js';

/** Something the next save records in its own transaction (a webhook's message delivered, a child handed back). */
export type SaveRecord = (tx: Db, now: Date) => Promise<void>;

/** Stores an instance's state during a run, under the lease the run holds. */
export interface InstanceSaver {
  /** Adds a record to the next save's transaction. */
  recordWithNextSave(record: SaveRecord): void;
  /**
   * Saves a change (releasing the lease with `release`); `prepare` rewrites it inside the
   * transaction (the final save starts called children there). False when the lease was lost.
   */
  save(
    change: ProcessInstanceChange,
    release: boolean,
    prepare?: (tx: Db, now: Date) => Promise<ProcessInstanceChange>,
  ): Promise<boolean>;
  /**
   * Saves the running state soon: one save waits at most, and it reads the state when it runs, so it
   * also covers tasks that end meanwhile. `read` gives undefined when there is nothing to save.
   */
  saveSoon(read: () => Promise<ProcessInstanceChange | undefined>): void;
  /** No save of the running state starts after this (the run has settled). */
  stop(): void;
  /** Waits for the save of the running state in flight, if any; its failure is the final save's to meet. */
  drained(): Promise<void>;
}

export function createInstanceSaver(deps: Pick<RunDeps, 'db' | 'clock' | 'owner'>, instanceId: number): InstanceSaver {
  const pendingRecords: SaveRecord[] = [];
  let saving: Promise<unknown> = Promise.resolve();
  let saveQueued = false;
  let stopped = false;
  const save: InstanceSaver['save'] = async (change, release, prepare) => {
    const records = [...pendingRecords];
    const options = { owner: deps.owner, now: deps.clock(), release };
    if (records.length === 0 && !prepare) return saveProcessInstance(deps.db, instanceId, change, options);
    await deps.db.transaction(async (tx) => {
      const prepared = prepare ? await prepare(tx, options.now) : change;
      if (!(await saveProcessInstance(tx, instanceId, prepared, options))) throw new Error('Process instance lease was lost');
      for (const record of records) await record(tx, options.now);
    });
    pendingRecords.splice(0, records.length);
    return true;
  };
  return {
    recordWithNextSave: (record) => {
      pendingRecords.push(record);
    },
    save,
    saveSoon(read) {
      if (saveQueued) return;
      saveQueued = true;
      saving = saving.then(async () => {
        saveQueued = false;
        if (stopped) return;
        const change = await read();
        if (change) await save(change, false);
      });
    },
    stop: () => {
      stopped = true;
    },
    drained: () =>
      saving.then(
        () => {},
        () => {},
      ),
  };
}

import type { ProcessSettings } from '../config/config.js';
import type { Db } from '../store/open-database.js';
import type { DefinitionCache } from './definition-cache.js';
import type { InstanceAdvancer } from './instance-advancer.js';
import type { InstanceLeases, LeaseTerms } from './instance-leases.js';
import type { InstanceQueue } from './instance-queue.js';
import type { RunDeps } from './run-types.js';

/** What the runtime's calls (start, signal, correlate, cancel) share; made once by createProcessRuntime. */
export interface RuntimeParts {
  readonly db: Db;
  readonly clock: () => Date;
  readonly settings: ProcessSettings;
  readonly lease: LeaseTerms;
  readonly runDeps: RunDeps;
  readonly definitions: DefinitionCache;
  readonly queue: InstanceQueue;
  readonly leases: InstanceLeases;
  readonly advancer: InstanceAdvancer;
}

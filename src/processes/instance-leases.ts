import type { ProcessDefinition } from '../domain/process-definition.js';
import type { ProcessInstance } from '../domain/process-instance.js';
import { type AppError, failedPrecondition, notFound } from '../errors.js';
import type { Db } from '../store/open-database.js';
import { findProcessDefinitionById } from '../store/process-definitions.js';
import { claimProcessInstance, findProcessInstanceById, saveProcessTraceContext } from '../store/process-instances.js';
import { activeTraceHeaders } from '../tracing/trace-context.js';

/** An instance lease as this process takes it: its owner name and how long it lasts. */
export interface LeaseTerms {
  readonly owner: string;
  readonly leaseMs: number;
}

/**
 * The leases a signal, message or cancel takes on an instance, in one place: the claim, refused
 * while another process advances it; and the release, which every refusal after a claim goes
 * through, so none leaves the instance leased until its lease runs out.
 */
export interface InstanceLeases {
  /** Leases an existing instance; not found or busy is refused. */
  claim(id: number): Promise<ProcessInstance>;
  /** Leases an instance when no other process holds it; undefined when one does. */
  tryClaim(id: number): Promise<ProcessInstance | undefined>;
  /** Lets a leased instance go without running it (its lease ends now): the poller or another process may take it at once. */
  release(id: number): Promise<void>;
  /** Refuses a call after its claim: the instance is released, then the refusal thrown. */
  refuse(id: number, refusal: AppError): Promise<never>;
  /** Keeps the context of the traced signal or message moving a leased instance, for the poller's later advances. */
  keepTraceContext(id: number): Promise<void>;
  requireInstance(id: number): Promise<ProcessInstance>;
  requireDefinition(id: number): Promise<ProcessDefinition>;
}

export function createInstanceLeases(db: Db, terms: LeaseTerms): InstanceLeases {
  const requireInstance = async (id: number) => {
    const instance = await findProcessInstanceById(db, id);
    if (!instance) throw notFound('Process instance not found', ['No process instance found with the specified ID']);
    return instance;
  };
  const tryClaim = (id: number) => claimProcessInstance(db, id, terms);
  const release = async (id: number): Promise<void> => {
    await claimProcessInstance(db, id, { ...terms, leaseMs: 0 });
  };
  return {
    requireInstance,
    tryClaim,
    release,
    async requireDefinition(id) {
      const definition = await findProcessDefinitionById(db, id);
      if (!definition) throw notFound('Process definition not found', [`Process definition ${id} does not exist`]);
      return definition;
    },
    async claim(id) {
      await requireInstance(id);
      const claimed = await tryClaim(id);
      if (!claimed)
        throw failedPrecondition('Process instance is busy', ['Another process is advancing this instance; try again']);
      return claimed;
    },
    async refuse(id, refusal) {
      await release(id);
      throw refusal;
    },
    async keepTraceContext(id) {
      const traceContext = activeTraceHeaders();
      if (traceContext) await saveProcessTraceContext(db, id, traceContext, terms.owner);
    },
  };
}

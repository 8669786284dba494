import type { ProcessInstance } from '../domain/process-instance.js';
import { invalidArgument } from '../errors.js';
import { findProcessInstanceByEventId, findProcessInstanceById, insertProcessInstance } from '../store/process-instances.js';
import { activeTraceHeaders } from '../tracing/trace-context.js';
import type { ExecutionMode, StartOrigin } from './process-runtime.js';
import { variablesExceed } from './process-variables.js';
import type { RuntimeParts } from './runtime-parts.js';

/** Stores a new instance and runs it: Supervised waits (bounded) for it to complete, fail or wait. */
export async function startInstance(
  parts: RuntimeParts,
  definitionId: number,
  variables: Record<string, unknown>,
  mode: ExecutionMode,
  origin: StartOrigin = {},
): Promise<ProcessInstance> {
  const { db, settings } = parts;
  const { eventId, startMessage } = origin;
  const definition = await parts.leases.requireDefinition(definitionId);
  // A webhook attempt retried after its instance was stored finds that instance (the poller
  // resumes it if its run was lost) instead of starting a second one.
  const existing = eventId === undefined ? undefined : await findProcessInstanceByEventId(db, eventId);
  if (existing) return existing;
  if (variablesExceed(variables, settings.maxVariablesBytes)) {
    throw invalidArgument('Validation failed', [`Variables must be at most ${settings.maxVariablesBytes} bytes`]);
  }
  // Its later advances by the poller (timers) link to the traced work starting it.
  const traceContext = activeTraceHeaders();
  const instance = await insertProcessInstance(db, {
    definitionId,
    variables,
    now: parts.clock(),
    ...parts.lease,
    ...(eventId !== undefined && { eventId }),
    ...(startMessage !== undefined && { startMessage }),
    ...(traceContext && { traceContext }),
  });
  const run = parts.advancer.advance(instance, definition, { kind: 'start' });
  if (mode === 'Supervised') await withTimeout(run, settings.supervisedTimeoutMs);
  return (await findProcessInstanceById(db, instance.id)) ?? instance;
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

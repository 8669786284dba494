import type { CorrelationKeyType, ProcessInstance } from '../domain/process-instance.js';
import { failedPrecondition, notFound } from '../errors.js';
import { findMessageDelivery } from '../store/process-message-deliveries.js';
import {
  findInstancesWaitingForMessage,
  findProcessInstanceByEventId,
  findProcessInstanceById,
} from '../store/process-instances.js';
import { findStartMessage } from './process-messages.js';
import type { CorrelatedMessage } from './process-runtime.js';
import { runInstance } from './run-instance.js';
import type { RuntimeParts } from './runtime-parts.js';
import { startInstance } from './start-instance.js';

/**
 * Delivers a message to the one waiting instance of the definition (any version of its name)
 * whose receive task or message catch event waits for `messageName` with `correlationKey`;
 * without one, starts an instance when the definition has a message start event for it. A
 * webhook event is delivered once: a retried attempt finds the instance it reached or started.
 */
export async function correlateMessage(parts: RuntimeParts, message: CorrelatedMessage): Promise<ProcessInstance> {
  const { db } = parts;
  const definition = await parts.leases.requireDefinition(message.definitionId);
  if (message.eventId !== undefined) {
    const deliveredTo = await findMessageDelivery(db, message.eventId);
    const reached = deliveredTo === undefined ? undefined : await findProcessInstanceById(db, deliveredTo);
    const started = reached ?? (await findProcessInstanceByEventId(db, message.eventId));
    if (started) return started;
  }
  const described = `message "${message.messageName}" with correlation key "${message.correlationKey}"`;
  const matches = await findInstancesWaitingForMessage(db, {
    definitionName: definition.name,
    messageName: message.messageName,
    correlationKey: message.correlationKey,
    ...(message.correlationKeyType && { excludedKeyType: otherType(message.correlationKeyType) }),
    limit: 5,
  });
  if (matches.length > 1) {
    const ids = matches.map((instance) => instance.id).join(', ');
    throw failedPrecondition('Correlation failed', [
      `Several instances of "${definition.name}" wait for ${described} (${ids}${matches.length === 5 ? ', ...' : ''})`,
    ]);
  }
  const [match] = matches;
  if (match) return deliver(parts, match.id, definition.name, message, described);
  const startMessage = findStartMessage(await parts.definitions.sourceContextOf(definition), message.messageName);
  if (!startMessage) {
    throw notFound('Correlation failed', [`No instance of "${definition.name}" waits for ${described}`]);
  }
  return startInstance(parts, definition.id, message.variables, 'Supervised', {
    ...(message.eventId !== undefined && { eventId: message.eventId }),
    startMessage: startMessage.id,
  });
}

/** Runs a correlated message into an instance, checked again once its lease is held: it may have moved on. */
async function deliver(
  parts: RuntimeParts,
  id: number,
  definitionName: string,
  message: CorrelatedMessage,
  described: string,
): Promise<ProcessInstance> {
  const { leases } = parts;
  const { instance, outcome } = await parts.queue.exclusive(id, async () => {
    const instance = await leases.claim(id);
    const target = instance.waiting.find(
      (task) =>
        task.messageName === message.messageName &&
        task.correlationKey === message.correlationKey &&
        (message.correlationKeyType === undefined || task.correlationKeyType !== otherType(message.correlationKeyType)),
    );
    if (instance.status !== 'WAITING' || !target?.messageId) {
      return leases.refuse(id, notFound('Correlation failed', [`No instance of "${definitionName}" waits for ${described}`]));
    }
    const definition = await leases.requireDefinition(instance.definitionId);
    await leases.keepTraceContext(id);
    const outcome = await runInstance(parts.runDeps, instance, definition, {
      kind: 'message',
      activityId: target.id,
      message: { id: target.messageId, name: message.messageName },
      variables: message.variables,
      ...(message.eventId !== undefined && { eventId: message.eventId }),
    });
    return { instance, outcome };
  });
  await parts.advancer.followUp(instance, outcome);
  return leases.requireInstance(id);
}

function otherType(type: CorrelationKeyType): CorrelationKeyType {
  return type === 'string' ? 'number' : 'string';
}

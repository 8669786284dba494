import type { SerializableContext } from 'moddle-context-serializer';
import type { CorrelationKeyType } from '../domain/process-instance.js';
import { customProperties } from './process-scripts.js';

/** A BPMN message as bpmn-engine reports it on a waiting activity. */
export interface MessageRef {
  readonly id: string;
  readonly name?: string;
}

/** How a message is named in configurations and commands: its `name`, else its id. */
export function messageNameOf(message: MessageRef): string {
  return message.name || message.id;
}

/**
 * The variable a waiting element's correlation key is read from: its `custom:property
 * name="CorrelationKey"`. An element without one is reached only by SignalProcessInstanceCommand.
 */
export function correlationVariableOf(context: SerializableContext, activityId: string): string | undefined {
  const behaviour = context.getActivityById(activityId)?.behaviour;
  if (!behaviour) return undefined;
  return customProperties(behaviour as Parameters<typeof customProperties>[0]).get('CorrelationKey') || undefined;
}

/** A correlation key as stored and compared: its text and its JSON type. */
export interface CorrelationKey {
  readonly text: string;
  readonly type: CorrelationKeyType;
}

/** A value as a correlation key: a non-empty string or a finite number, with its type kept. */
export function correlationKeyOf(value: unknown): CorrelationKey | undefined {
  if (typeof value === 'string' && value !== '') return { text: value, type: 'string' };
  if (typeof value === 'number' && Number.isFinite(value)) return { text: String(value), type: 'number' };
  return undefined;
}

/**
 * The variable a message delivered to a waiting element is handed over in: the element's
 * `custom:property name="MessageVariable"`, else the message's name. A message never writes any
 * other variable, so a caller cannot change what the process already holds (an amount, an approval).
 */
export function messageVariableOf(context: SerializableContext, activityId: string, message: MessageRef): string {
  const behaviour = context.getActivityById(activityId)?.behaviour;
  const named = behaviour && customProperties(behaviour as Parameters<typeof customProperties>[0]).get('MessageVariable');
  return named?.trim() || messageNameOf(message);
}

interface EventDefinition {
  readonly type: string;
  readonly behaviour?: { readonly messageRef?: MessageRef };
}

/** The message of a message start event of the definition named `messageName`, if it has one. */
export function findStartMessage(context: SerializableContext, messageName: string): MessageRef | undefined {
  for (const activity of context.getActivities()) {
    if (activity.type !== 'bpmn:StartEvent') continue;
    const definitions = ((activity.behaviour as { eventDefinitions?: EventDefinition[] }).eventDefinitions ?? []).filter(
      (definition) => definition.type === 'bpmn:MessageEventDefinition',
    );
    const message = definitions.map((definition) => definition.behaviour?.messageRef).find(Boolean);
    if (message && messageNameOf(message) === messageName) return message;
  }
  return undefined;
}

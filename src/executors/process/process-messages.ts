import type { SerializableContext } from 'moddle-context-serializer';
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

/** A variable's value as a correlation key: strings and numbers only, as text. */
export function correlationKeyText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
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

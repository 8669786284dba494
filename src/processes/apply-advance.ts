import type { Engine } from 'bpmn-engine';
import type { SerializableContext } from 'moddle-context-serializer';
import type { ProcessInstance } from '../domain/process-instance.js';
import { markChildReturned } from '../store/process-calls.js';
import { insertMessageDelivery } from '../store/process-message-deliveries.js';
import { callFailure, returnedVariables } from './call-activities.js';
import type { SaveRecord } from './instance-saver.js';
import { processEnvironment } from './process-environment.js';
import { messageNameOf, messageVariableOf } from './process-messages.js';
import type { Advance } from './run-types.js';
import { thrownErrorCode } from './thrown-errors.js';

/**
 * Hands a started or resumed engine what this run was asked to do: a message start event its
 * message, a waiting task its signal or message, a call activity its finished child. What must be
 * stored with the first state this produces (a webhook's message delivered, a child handed back) is
 * given to `recordWithNextSave`.
 */
export function applyAdvance(
  engine: Engine,
  sourceContext: SerializableContext,
  instance: ProcessInstance,
  { fresh, advance }: { fresh: boolean; advance: Advance },
  recordWithNextSave: (record: SaveRecord) => void,
): void {
  // An instance started by a message waits at its message start event: hand it the message (again,
  // when the first run was lost before anything was stored).
  if (fresh && instance.startMessage) engine.execution.signal({ id: instance.startMessage });
  if (advance.kind === 'signal') {
    processEnvironment(engine).assignVariables(advance.variables);
    engine.execution.signal({ id: advance.signalId });
  }
  if (advance.kind === 'message') {
    const variable = messageVariableOf(sourceContext, advance.activityId, advance.message);
    processEnvironment(engine).assignVariables({ [variable]: advance.variables });
    engine.execution.signal({ id: advance.message.id });
    const { eventId } = advance;
    if (eventId !== undefined) {
      const messageName = messageNameOf(advance.message);
      recordWithNextSave((tx, now) => insertMessageDelivery(tx, { eventId, messageName, instanceId: instance.id, now }));
    }
  }
  if (advance.kind === 'callReturned') {
    returnToCallActivity(engine, sourceContext, advance.activityId, advance.child);
    const childId = advance.child.id;
    recordWithNextSave((tx) => markChildReturned(tx, childId));
  }
}

interface PostponedApi {
  readonly id: string;
  sendApiMessage(action: string, content: object): void;
}

/**
 * Completes a call activity with its child's variables (merged in first, as a signal's), or fails
 * it with why the child did not complete, as bpmn-elements fails a call activity: an error with the
 * code of the child's uncaught error end event, which a boundary error event with that code (or
 * without one) catches, else the instance ends in ERROR.
 */
function returnToCallActivity(
  engine: Engine,
  context: Parameters<typeof returnedVariables>[0],
  activityId: string,
  child: ProcessInstance,
): void {
  if (child.status === 'COMPLETED') {
    processEnvironment(engine).assignVariables(returnedVariables(context, activityId, child));
    engine.execution.signal({ id: activityId });
    return;
  }
  const postponed = (engine.execution as unknown as { getPostponed(): PostponedApi[] }).getPostponed();
  const call = postponed.find((api) => api.id === activityId);
  if (!call) throw new Error(`Call activity "${activityId}" is not waiting for instance ${child.id}`);
  call.sendApiMessage('error', { message: callFailure(child), code: thrownErrorCode(child.errors) });
}

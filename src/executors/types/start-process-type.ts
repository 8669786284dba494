import { ExecutionType, processActions } from '../../domain/webhook-config.js';
import { findProcessDefinitionById } from '../../store/process-definitions.js';
import { createStartProcessExecutor } from '../process/start-process-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';
import { lacksPermission } from './runnable-command-problems.js';

const maxMessageNameLength = 200;

/** Type 3: a deployed BPMN process definition, started by the webhook or reached by it as a message. */
export const startProcessType: ExecutionTypeDescriptor = {
  code: ExecutionType.StartProcess,
  targetField: 'processDefinitionId',
  fieldLabel: 'Process definition id',
  optionFields: ['processAction', 'messageName', 'correlationKey'],
  // Starting an instance or correlating a message into one is processes:write over the API.
  runPermission: 'processes:write',
  async targetProblems(draft, context) {
    const id = draft.processDefinitionId ?? 0;
    const exists = Number.isSafeInteger(id) && id > 0 && (await findProcessDefinitionById(context.db, id));
    const authority = context.authority.has('processes:write')
      ? []
      : [lacksPermission('A StartProcess configuration', 'processes:write')];
    return [...(exists ? [] : [`Process definition ${id} does not exist`]), ...authority, ...processActionProblems(draft)];
  },
  createExecutor: (deps) => createStartProcessExecutor(deps.processes),
};

/** "correlate" needs a message name and a JSON pointer to the key; "start" takes neither. */
function processActionProblems(draft: {
  processAction: string | null;
  messageName: string | null;
  correlationKey: string | null;
}): string[] {
  const action = draft.processAction ?? 'start';
  if (!(processActions as readonly string[]).includes(action)) return ['Process action must be "start" or "correlate"'];
  if (action === 'start') {
    const extra = [draft.messageName !== null && 'Message name', draft.correlationKey !== null && 'Correlation key'];
    return extra.filter((label) => label !== false).map((label) => `${label} is only used by process action "correlate"`);
  }
  const problems: string[] = [];
  if (draft.messageName === null) problems.push('Message name is required for process action "correlate"');
  else if (draft.messageName.length > maxMessageNameLength) {
    problems.push(`Message name must be at most ${maxMessageNameLength} characters`);
  }
  if (draft.correlationKey === null) problems.push('Correlation key is required for process action "correlate"');
  else if (!/^(\/[^/]*)+$/.test(draft.correlationKey) || draft.correlationKey.length > 500) {
    problems.push('Correlation key must be a JSON pointer into the body, e.g. "/data/mandateRef"');
  }
  return problems;
}

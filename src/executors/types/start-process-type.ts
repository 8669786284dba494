import { ExecutionType } from '../../domain/webhook-config.js';
import { findProcessDefinitionById } from '../../store/process-definitions.js';
import { createStartProcessExecutor } from '../process/start-process-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 3: a deployed BPMN process definition. */
export const startProcessType: ExecutionTypeDescriptor = {
  code: ExecutionType.StartProcess,
  targetField: 'processDefinitionId',
  fieldLabel: 'Process definition id',
  async targetProblems(draft, context) {
    const id = draft.processDefinitionId ?? 0;
    const exists = Number.isSafeInteger(id) && id > 0 && (await findProcessDefinitionById(context.db, id));
    return exists ? [] : [`Process definition ${id} does not exist`];
  },
  createExecutor: (deps) => createStartProcessExecutor(deps.processes),
};

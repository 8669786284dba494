import { ExecutionType } from '../../domain/webhook-config.js';
import { createUnavailableExecutor } from '../unavailable-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 3: a deployed BPMN process definition. */
export const startProcessType: ExecutionTypeDescriptor = {
  code: ExecutionType.StartProcess,
  targetField: 'processDefinitionId',
  fieldLabel: 'Process definition id',
  // Process definitions are deployed through the BPMN engine, which is not part of this service yet.
  targetProblems: async (draft) => [`Process definition ${draft.processDefinitionId} does not exist`],
  createExecutor: () => createUnavailableExecutor('StartProcess'),
};

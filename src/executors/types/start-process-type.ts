import { createStartProcessExecutor } from '../process/start-process-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 3: a deployed BPMN process definition, started by the webhook or reached by it as a message. */
export const startProcessType: ExecutionTypeDescriptor<'process'> = {
  // Starting an instance or correlating a message into one is processes:write over the API.
  runPermission: 'processes:write',
  createExecutor: (deps) => createStartProcessExecutor(deps.processes),
};

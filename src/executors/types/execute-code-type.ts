import { ExecutionType } from '../../domain/webhook-config.js';
import { createScriptExecutor } from '../script/script-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 2: a function body in the script sandbox. */
export const executeCodeType: ExecutionTypeDescriptor = {
  code: ExecutionType.ExecuteCode,
  targetField: 'executionCode',
  fieldLabel: 'Execution code',
  optionFields: [],
  createExecutor: (deps) =>
    createScriptExecutor({ sandbox: deps.sandbox, runCommand: deps.commands.run, timeoutMs: deps.script.timeoutMs }),
};

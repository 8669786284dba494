import { ExecutionType } from '../../domain/webhook-config.js';
import { findScriptSyntaxError } from '../script/find-script-syntax-error.js';
import { createScriptExecutor } from '../script/script-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

const maxCodeLength = 64 * 1024;

/** Type 2: a function body in the script sandbox. */
export const executeCodeType: ExecutionTypeDescriptor = {
  code: ExecutionType.ExecuteCode,
  targetField: 'executionCode',
  fieldLabel: 'Execution code',
  optionFields: [],
  async targetProblems(draft) {
    const code = draft.executionCode ?? '';
    if (code.length > maxCodeLength) return [`Execution code must be at most ${maxCodeLength} characters`];
    // Compiled in an isolate without running it: a syntax error is reported now, not at the first call.
    const syntaxError = findScriptSyntaxError(code);
    return syntaxError ? [`Execution code does not compile: ${syntaxError}`] : [];
  },
  createExecutor: (deps) => createScriptExecutor({ sandbox: deps.sandbox, bus: deps.bus, timeoutMs: deps.script.timeoutMs }),
};

import { ExecutionType } from '../../domain/webhook-config.js';
import { checkScript } from '../script/check-script.js';
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
    // The sandbox's own checker and compile, without running: what would fail every call fails now.
    const checked = checkScript(code);
    return checked.ok ? [] : [`Execution code does not compile: ${checked.problem}`];
  },
  createExecutor: (deps) => createScriptExecutor({ sandbox: deps.sandbox, bus: deps.bus, timeoutMs: deps.script.timeoutMs }),
};

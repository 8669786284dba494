import { createScriptExecutor } from '../script/script-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 2: a function body in the script sandbox. */
export const executeCodeType: ExecutionTypeDescriptor<'script'> = {
  createExecutor: (deps) =>
    createScriptExecutor({ sandbox: deps.sandbox, runCommand: deps.commands.run, timeoutMs: deps.script.timeoutMs }),
};

import { ExecutionType, type ExecutionTypeName } from '../../domain/webhook-config.js';
import { commandChainType } from './command-chain-type.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';
import { executeCodeType } from './execute-code-type.js';
import { nativeCommandType } from './native-command-type.js';
import { startProcessType } from './start-process-type.js';

/** The one catalog of execution types: adding a type is adding its descriptor here. */
export const executionTypes = {
  ExecuteNativeCommand: nativeCommandType,
  ExecuteCommandChain: commandChainType,
  ExecuteCode: executeCodeType,
  StartProcess: startProcessType,
} as const satisfies Record<ExecutionTypeName, ExecutionTypeDescriptor>;

// Looked up on every execution (runner and metrics): built once, not searched and copied per call.
const byCode = new Map<number, Readonly<ExecutionTypeDescriptor & { name: ExecutionTypeName }>>(
  (Object.entries(executionTypes) as [ExecutionTypeName, ExecutionTypeDescriptor][]).map(([name, descriptor]) => [
    descriptor.code,
    Object.freeze({ ...descriptor, name }),
  ]),
);

/** The descriptor of a documented type number, or undefined for any other number. */
export function findExecutionType(code: number): Readonly<ExecutionTypeDescriptor & { name: ExecutionTypeName }> | undefined {
  return byCode.get(code);
}

/** Every type, in the order of its number. */
export function listExecutionTypes(): (ExecutionTypeDescriptor & { name: ExecutionTypeName })[] {
  return (Object.keys(ExecutionType) as ExecutionTypeName[])
    .map((name) => ({ ...executionTypes[name], name }))
    .sort((a, b) => a.code - b.code);
}

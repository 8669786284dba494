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

/** The descriptor of a documented type number, or undefined for any other number. */
export function findExecutionType(code: number): (ExecutionTypeDescriptor & { name: ExecutionTypeName }) | undefined {
  const entry = (Object.entries(executionTypes) as [ExecutionTypeName, ExecutionTypeDescriptor][]).find(
    ([, descriptor]) => descriptor.code === code,
  );
  return entry && { ...entry[1], name: entry[0] };
}

/** Every type, in the order of its number. */
export function listExecutionTypes(): (ExecutionTypeDescriptor & { name: ExecutionTypeName })[] {
  return (Object.keys(ExecutionType) as ExecutionTypeName[])
    .map((name) => ({ ...executionTypes[name], name }))
    .sort((a, b) => a.code - b.code);
}

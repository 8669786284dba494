import { describe, expect, it } from 'vitest';
import { ExecutionType, type ExecutionTypeName, type WebhookConfigFields } from '../../src/domain/webhook-config.js';
import { targetProblems } from '../../src/commands/webhook-configs/target-problems.js';
import { executionTypes, findExecutionType, listExecutionTypes } from '../../src/executors/types/execution-types.js';

const configFieldNames: readonly (keyof WebhookConfigFields)[] = [
  'commandName',
  'commandChain',
  'executionCode',
  'processDefinitionId',
];

describe('the execution type catalog', () => {
  it('has a complete descriptor for every documented type', () => {
    for (const [name, code] of Object.entries(ExecutionType) as [ExecutionTypeName, number][]) {
      const descriptor = executionTypes[name];
      expect(descriptor, name).toBeDefined();
      expect(descriptor.code, name).toBe(code);
      expect(configFieldNames, name).toContain(descriptor.targetField);
      expect(descriptor.fieldLabel, name).toMatch(/^[A-Z]/);
      expect(typeof targetProblems[name], name).toBe('function');
      expect(typeof descriptor.createExecutor, name).toBe('function');
      expect(Array.isArray(descriptor.optionFields), name).toBe(true);
    }
    expect(Object.keys(executionTypes).sort()).toEqual(Object.keys(ExecutionType).sort());
  });

  it('gives each type its own target field and number', () => {
    const types = listExecutionTypes();
    expect(new Set(types.map((type) => type.targetField)).size).toBe(types.length);
    const options = types.flatMap((type) => type.optionFields);
    expect(new Set(options).size).toBe(options.length);
    expect(types.map((type) => type.code)).toEqual(types.map((_, index) => index));
  });

  it('finds a type by its number and nothing for other numbers', () => {
    expect(findExecutionType(2)?.name).toBe('ExecuteCode');
    expect(findExecutionType(4)).toBeUndefined();
    expect(findExecutionType(-1)).toBeUndefined();
  });
});

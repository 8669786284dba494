import { describe, expect, it } from 'vitest';
import {
  caseOfExecutionType,
  type ExecutionTarget,
  executionTargetKinds,
  targetFromLegacyFields,
  toLegacyTargetFields,
} from '../../src/domain/execution-target.js';
import { executionTypeList } from '../../src/domain/proto-lists.js';
import { executionTypes } from '../../src/executors/types/execution-types.js';

const oneOfEach: readonly ExecutionTarget[] = [
  { case: 'native', commandName: 'EchoCommand' },
  { case: 'chain', steps: [{ commandName: 'EchoCommand', parameters: { a: 1 } }] },
  { case: 'script', code: 'return 1;' },
  { case: 'process', definitionId: 4, action: 'correlate', messageName: 'Paid', correlationKey: '/ref' },
];

describe('the kinds of execution target', () => {
  it('gives every kind a documented number, its name and an executor descriptor', () => {
    const kinds = Object.keys(executionTargetKinds).sort();
    expect(Object.keys(executionTypes).sort()).toEqual(kinds);
    expect(Object.values(executionTargetKinds).map((kind) => kind.code)).toEqual([0, 1, 2, 3]);
    expect(executionTypeList.map(({ code }) => caseOfExecutionType(code))).toEqual(['native', 'chain', 'script', 'process']);
    expect(Object.values(executionTargetKinds).map((kind) => kind.name)).toEqual([
      'ExecuteNativeCommand',
      'ExecuteCommandChain',
      'ExecuteCode',
      'StartProcess',
    ]);
  });

  it('finds a kind by its number and nothing for other numbers', () => {
    expect(caseOfExecutionType(2)).toBe('script');
    expect(caseOfExecutionType(4)).toBeUndefined();
    expect(caseOfExecutionType(-1)).toBeUndefined();
  });

  it('writes each kind in the legacy flat fields with only its own set, and reads it back unchanged', () => {
    for (const target of oneOfEach) {
      const fields = toLegacyTargetFields(target);
      expect(fields.executionType).toBe(executionTargetKinds[target.case].code);
      const set = Object.entries(fields).filter(([name, value]) => name !== 'executionType' && value !== null);
      expect(set.length, target.case).toBe(target.case === 'process' ? 4 : 1);
      expect(targetFromLegacyFields(fields)).toEqual(target);
    }
  });

  it('reads a stored chain kept as "A,B" as its steps, and refuses a number no kind has', () => {
    const legacy = { ...toLegacyTargetFields({ case: 'chain', steps: [] }), commandChain: null, commandName: 'A, B' };
    expect(targetFromLegacyFields(legacy)).toEqual({
      case: 'chain',
      steps: [
        { commandName: 'A', parameters: {} },
        { commandName: 'B', parameters: {} },
      ],
    });
    expect(() => targetFromLegacyFields({ ...legacy, executionType: 9 })).toThrow('Execution type 9 is unknown');
  });
});

import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ProcessAction } from '../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { CreateWebHookConfigCommandSchema } from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { draftFromCreate } from '../../src/commands/webhook-configs/webhook-config-draft.js';

const steps = [{ commandName: 'EchoCommand', parameters: { nested: { n: 1 }, list: ['a'] } }];
const draftOf = (fields: Parameters<typeof create<typeof CreateWebHookConfigCommandSchema>>[1]) =>
  draftFromCreate(create(CreateWebHookConfigCommandSchema, { key: 'k', path: 'p', action: 'POST', ...fields }));

describe('a target given as the oneof beside the legacy fields', () => {
  it('takes a chain sent in both shapes alike', () => {
    const draft = draftOf({ executionType: 1, commandChain: steps, target: { case: 'chain', value: { steps } } });
    expect(draft.targetShapeProblems).toEqual([]);
    expect(draft.target).toEqual({ case: 'chain', steps });
  });

  it('names each legacy field that contradicts the oneof, and keeps the oneof as the target', () => {
    const process = { definitionId: 4n, action: ProcessAction.CORRELATE, messageName: 'Paid', correlationKey: '/ref' };
    const draft = draftOf({ executionType: 3, messageName: 'Other', target: { case: 'process', value: process } });
    expect(draft.targetShapeProblems).toEqual([
      'The target and Message name (messageName) disagree: give one of them, or the same in both',
    ]);
    expect(draft.target).toMatchObject({ case: 'process', definitionId: 4, action: 'correlate', messageName: 'Paid' });
  });

  it('refuses a kind whose own field is empty, in the words of the legacy shape', () => {
    const draft = draftOf({ target: { case: 'script', value: { code: '' } } });
    expect(draft.targetShapeProblems).toEqual(['Execution code is required for ExecuteCode']);
    expect(draft.target).toBeNull();
  });

  it('reads a process action number no action has as that number, which validation refuses as any other unknown action', () => {
    const draft = draftOf({ target: { case: 'process', value: { definitionId: 4n, action: 7 as ProcessAction } } });
    expect(draft.target).toMatchObject({ case: 'process', action: '7' });
  });
});

import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ExecutionRequestSchema, ExecutionResultSchema } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import type { ExecutionOutcome } from '../../src/executors/execution-job.js';
import { jobFromRequest, outcomeFromResult, toExecutionRequest, toExecutionResult } from '../../src/executors/execution-wire.js';
import { executionRequest } from '../helpers/execution-requests.js';

const outcome: ExecutionOutcome = {
  success: true,
  data: { reference: 'R-1', kobo: 12500050, nested: [1, 'two', null, { deep: true }], emoji: '₦ 🏦' },
  errors: [],
  httpResponse: { status: 202, headers: { 'x-ledger': 'ok' }, body: { ResponseCode: '00' } },
  logs: [{ level: 'warn', message: 'slow ledger', at: new Date('2026-12-02T09:00:00.123Z') }],
  steps: [
    { commandName: 'EchoCommand', success: true, data: { a: 1 }, error: '', durationMs: 1.5 },
    { commandName: 'PostCommand', success: false, data: null, error: 'ledger closed', durationMs: 2 },
  ],
  durationMs: 4.25,
};

describe('the ExecutionService wire form (executor process only)', () => {
  it('carries a job through binary encoding unchanged, body as JSON text', () => {
    const job = {
      ...executionRequest(
        { executionType: 1, commandChain: [{ commandName: 'EchoCommand', parameters: { url: 'https://x' } }], timeoutMs: 900 },
        { amount: 125000.5, payer: { name: 'Adaeze' }, items: [] },
      ),
      configId: 12,
      configVersion: 3,
      responseMode: 'async' as const,
    };
    const request = toExecutionRequest(job);
    // The deprecated shapes are not sent: the Value body and the flat copy of the target.
    expect(request.context?.body).toBeUndefined();
    expect(request.commandChain).toEqual([]);
    expect(request.target.case).toBe('chain');
    expect(jobFromRequest(fromBinary(ExecutionRequestSchema, toBinary(ExecutionRequestSchema, request)))).toEqual(job);
  });

  it('carries a correlating process target through binary encoding unchanged', () => {
    const target = {
      case: 'process',
      definitionId: 4,
      action: 'correlate',
      messageName: 'Paid',
      correlationKey: '/ref',
    } as const;
    const job = { ...executionRequest({ executionType: 2, executionCode: 'return 1;' }), target };
    const request = toExecutionRequest(job);
    expect(jobFromRequest(fromBinary(ExecutionRequestSchema, toBinary(ExecutionRequestSchema, request)))).toEqual(job);
  });

  it('carries an outcome through binary encoding unchanged, data as JSON text', () => {
    const result = toExecutionResult(outcome);
    expect(result.data).toBeUndefined();
    expect(result.httpResponse?.body).toBeUndefined();
    expect(result.steps.map((step) => step.data)).toEqual([undefined, undefined]);
    expect(outcomeFromResult(fromBinary(ExecutionResultSchema, toBinary(ExecutionResultSchema, result)))).toEqual(outcome);
  });

  it('refuses a request that names no target, whatever its deprecated flat fields say', () => {
    const flatOnly = create(ExecutionRequestSchema, {
      executionType: 0,
      commandName: 'EchoCommand',
      context: { bodyJson: '{}' },
    });
    expect(() => jobFromRequest(flatOnly)).toThrow('The request names no target');
  });
});

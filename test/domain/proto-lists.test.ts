import { describe, expect, it } from 'vitest';
import { configurableSchemes, eventStatuses, executionTypeList } from '../../src/domain/proto-lists.js';
import { verifiers } from '../../src/router/verification/verifiers.js';

/**
 * The lists read from enums.proto keep the spellings the wire has always carried: a renamed enum
 * value would change an event's status, a scheme a configuration stores or the CLI's type names.
 */
describe('the lists read from the proto enums', () => {
  it('spell the event statuses as WebhookEvent.status does', () => {
    expect(eventStatuses).toEqual(['queued', 'processing', 'succeeded', 'failed', 'dead', 'rejected', 'stored']);
  });

  it('spell the configurable verification schemes as Verification.scheme does, each with its verifier', () => {
    expect(configurableSchemes).toEqual(['hmac-sha256', 'hmac-sha512', 'standard-webhooks', 'stripe', 'basic', 'api-key']);
    expect(configurableSchemes.filter((scheme) => !(scheme in verifiers))).toEqual([]);
  });

  it('give the execution types their legacy numbers and names', () => {
    expect(executionTypeList).toEqual([
      { name: 'ExecuteNativeCommand', code: 0 },
      { name: 'ExecuteCommandChain', code: 1 },
      { name: 'ExecuteCode', code: 2 },
      { name: 'StartProcess', code: 3 },
    ]);
  });
});

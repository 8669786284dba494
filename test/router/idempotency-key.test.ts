import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { extractIdempotencyKey } from '../../src/router/idempotency-key.js';

const unsigned = { idempotencyKey: null, verification: null };
const standardWebhooks = { idempotencyKey: null, verification: { scheme: 'standard-webhooks' } };
const both = { 'idempotency-key': 'K-1', 'webhook-id': 'msg_1' };

describe('extractIdempotencyKey', () => {
  it('prefers Idempotency-Key over webhook-id when webhook-id is not signed', () => {
    expect(extractIdempotencyKey(unsigned, both, null)).toEqual({ key: 'K-1', source: 'header:idempotency-key' });
    const hmac = { idempotencyKey: null, verification: { scheme: 'hmac-sha256' } };
    expect(extractIdempotencyKey(hmac, both, null)).toEqual({ key: 'K-1', source: 'header:idempotency-key' });
    expect(extractIdempotencyKey(unsigned, { 'webhook-id': 'msg_1' }, null)).toEqual({
      key: 'msg_1',
      source: 'header:webhook-id',
    });
  });

  it('takes the signed webhook-id over an unsigned Idempotency-Key under standard-webhooks', () => {
    expect(extractIdempotencyKey(standardWebhooks, both, null)).toEqual({ key: 'msg_1', source: 'header:webhook-id' });
    expect(extractIdempotencyKey(standardWebhooks, { ...both, 'idempotency-key': 'K-2' }, null)).toEqual({
      key: 'msg_1',
      source: 'header:webhook-id',
    });
  });

  it('takes a configured header or JSON pointer first, whatever the scheme', () => {
    const byHeader = { ...standardWebhooks, idempotencyKey: 'header:X-Reference' };
    expect(extractIdempotencyKey(byHeader, { ...both, 'x-reference': ' R-1 ' }, null)).toEqual({
      key: 'R-1',
      source: 'header:X-Reference',
    });
    const byPointer = { ...standardWebhooks, idempotencyKey: 'body:/data/reference' };
    expect(extractIdempotencyKey(byPointer, both, { data: { reference: 42 } })).toEqual({
      key: '42',
      source: 'body:/data/reference',
    });
    expect(extractIdempotencyKey(byPointer, both, { data: {} })).toEqual({ key: 'msg_1', source: 'header:webhook-id' });
  });

  it('is undefined without a non-blank key', () => {
    expect(extractIdempotencyKey(unsigned, { 'idempotency-key': '  ' }, null)).toBeUndefined();
    expect(extractIdempotencyKey(standardWebhooks, {}, null)).toBeUndefined();
  });

  it('keeps a key of up to 200 characters as it is and stores a longer one as the SHA-256 of the whole key', () => {
    const atLimit = 'k'.repeat(200);
    expect(extractIdempotencyKey(unsigned, { 'idempotency-key': atLimit }, null)?.key).toBe(atLimit);
    const long = `${'k'.repeat(200)}-first`;
    const other = `${'k'.repeat(200)}-second`;
    const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
    expect(extractIdempotencyKey(unsigned, { 'idempotency-key': long }, null)?.key).toBe(sha256(long));
    expect(extractIdempotencyKey(unsigned, { 'idempotency-key': other }, null)?.key).toBe(sha256(other));
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { standardWebhooks } from '../../src/router/verification/standard-webhooks.js';

const now = new Date('2026-11-28T10:00:00.000Z');
const timestamp = String(now.getTime() / 1000);
const rawBody = Buffer.from('{"event":"charge.success"}');
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const settings = (secrets: string[]) => ({
  scheme: 'standard-webhooks',
  secrets,
  header: '',
  prefix: '',
  encoding: '',
  toleranceSeconds: null,
});
const signedWith = (key: Buffer) => ({
  'webhook-id': id,
  'webhook-timestamp': timestamp,
  'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64')}`,
});

describe('standardWebhooks', () => {
  it('accepts a signature made with the base64 key after whsec_', () => {
    const key = randomBytes(24);
    const outcome = standardWebhooks({
      rawBody,
      headers: signedWith(key),
      settings: settings([`whsec_${key.toString('base64')}`]),
      now,
    });
    expect(outcome).toEqual({ ok: true });
  });

  it('fails closed on a secret that decodes to no key, where anyone could sign with the empty key', () => {
    const forged = signedWith(Buffer.alloc(0));
    for (const secret of ['whsec_', '!!!', '']) {
      expect(standardWebhooks({ rawBody, headers: forged, settings: settings([secret]), now })).toMatchObject({ ok: false });
    }
    const key = randomBytes(24);
    const rotating = settings([`whsec_${key.toString('base64')}`, 'whsec_']);
    expect(standardWebhooks({ rawBody, headers: forged, settings: rotating, now })).toMatchObject({ ok: false });
    expect(standardWebhooks({ rawBody, headers: signedWith(key), settings: rotating, now })).toEqual({ ok: true });
  });
});

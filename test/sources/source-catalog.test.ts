import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseIpAllowList } from '../../src/router/ip-allow-list.js';
import { verifyRequest } from '../../src/router/verification/verifiers.js';
import { sourceCatalog, sourceNames, type SourceName } from '../../src/sources/source-catalog.js';
import type { SourceEntry } from '../../src/sources/source-entry.js';
import { sourceDedupKey, sourceEventType } from '../../src/sources/source-keys.js';
import { sourceVerification } from '../../src/sources/source-verification.js';

const now = new Date('2026-12-09T10:00:00.000Z');
const unix = String(Math.floor(now.getTime() / 1000));
const stale = String(Math.floor(now.getTime() / 1000) - 301);

/** A signed request for a source: its body, headers, and the secret that signed it. */
interface Vector {
  readonly secret: string;
  readonly body: string;
  readonly headers: Record<string, string>;
  /** Headers signed with the same secret but a timestamp 301 s old (timestamped sources only). */
  readonly staleHeaders?: Record<string, string>;
  /** False where the provider sends the secret itself (nothing signs the body, so tampering cannot be seen). */
  readonly signsBody?: false;
  /** The dedup key and event type the catalog reads from it. */
  readonly dedupKey: string;
  readonly eventType: string | undefined;
}

const hmacHex = (algorithm: 'sha256' | 'sha512', secret: string | Buffer, text: string) =>
  createHmac(algorithm, secret).update(text).digest('hex');

// Monnify's worked example ("Computing Request Validation Hash", developers.monnify.com/docs/webhooks).
const monnifyBody =
  '{"eventData":{"product":{"reference":"111222333","type":"OFFLINE_PAYMENT_AGENT"},"transactionReference":"MNFY|76|20211117154810|000001","paymentReference":"0.01462001097368737","paidOn":"17/11/2021 3:48:10 PM","paymentDescription":"Mockaroo Jesse","metaData":{},"destinationAccountInformation":{},"paymentSourceInformation":{},"amountPaid":78000,"totalPayable":78000,"offlineProductInformation":{"code":"41470","type":"DYNAMIC"},"cardDetails":{},"paymentMethod":"CASH","currency":"NGN","settlementAmount":77600,"paymentStatus":"PAID","customer":{"name":"Mockaroo Jesse","email":"111222333@ZZAMZ4WT4Y3E.monnify"}},"eventType":"SUCCESSFUL_TRANSACTION"}';

// The Standard Webhooks spec's example, also the vector of Svix's libraries.
const swSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const swKey = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
const swSign = (timestamp: string, body: string) =>
  `v1,${createHmac('sha256', swKey).update(`msg_p5jXN8AQM9LWM0D4loKWxJek.${timestamp}.${body}`).digest('base64')}`;

const paystackBody = '{"event":"charge.success","data":{"id":302961,"reference":"qTPrJoy9Bx","amount":10000}}';
const squadBody =
  '{"Event":"charge_successful","TransactionRef":"4678388588A0","Body":{"amount":83000,"transaction_ref":"4678388588A0"}}';
const stripeBody = '{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","type":"payment_intent.succeeded","data":{"object":{}}}';
const shopifyBody = '{"id":820982911946154508,"email":"jon@example.com"}';
const swBody = '{"test": 2432232314}';

/** Built from each provider's documented formula, with its documented vector where it publishes one. */
const vectors: Record<Exclude<SourceName, 'remita-payment' | 'remita-collection'>, Vector> = {
  paystack: {
    secret: 'sk_test_catalog',
    body: paystackBody,
    headers: { 'x-paystack-signature': hmacHex('sha512', 'sk_test_catalog', paystackBody) },
    dedupKey: 'charge.success|302961',
    eventType: 'charge.success',
  },
  flutterwave: {
    secret: 'my-secret-hash',
    body: '{"event":"charge.completed","data":{"id":285959875,"tx_ref":"Links-616626414629"}}',
    headers: { 'verif-hash': 'my-secret-hash' },
    signsBody: false,
    dedupKey: 'charge.completed|285959875',
    eventType: 'charge.completed',
  },
  monnify: {
    secret: '91MUDL9N6U3BQRXBQ2PJ9M0PW4J22M1Y',
    body: monnifyBody,
    headers: {
      'monnify-signature':
        'f04fb635e04d71648bd3cc7999003da6861483342c856d05ddfa9b2dafacb873b0de1d0f8f67405d0010b4348b721c49fa171d317972618debba6b638aedcd3c',
    },
    dedupKey: 'SUCCESSFUL_TRANSACTION|MNFY|76|20211117154810|000001',
    eventType: 'SUCCESSFUL_TRANSACTION',
  },
  squad: {
    // Squad's C# sample prints the digest upper-case (BitConverter.ToString without dashes).
    secret: 'sandbox_sk_9ac9418e847972dd45f5fe845b5716ef305589808eda',
    body: squadBody,
    headers: {
      'x-squad-encrypted-body': hmacHex(
        'sha512',
        'sandbox_sk_9ac9418e847972dd45f5fe845b5716ef305589808eda',
        squadBody,
      ).toUpperCase(),
    },
    dedupKey: 'charge_successful|4678388588A0',
    eventType: 'charge_successful',
  },
  interswitch: {
    secret: 'isw-webhook-secret',
    body: '{"event":"TRANSACTION.COMPLETED","data":{"merchantReference":"MX1"}}',
    headers: {
      'x-interswitch-signature': hmacHex(
        'sha512',
        'isw-webhook-secret',
        '{"event":"TRANSACTION.COMPLETED","data":{"merchantReference":"MX1"}}',
      ),
    },
    dedupKey: 'sha256:',
    eventType: undefined,
  },
  mono: {
    secret: 'mono-secret',
    body: '{"event":"mono.events.account_updated","event_id":"evt_1","data":{}}',
    headers: {
      'mono-webhook-secret': hmacHex(
        'sha512',
        'mono-secret',
        '{"event":"mono.events.account_updated","event_id":"evt_1","data":{}}',
      ),
    },
    dedupKey: 'evt_1',
    eventType: 'mono.events.account_updated',
  },
  github: {
    // GitHub's test values (validating-webhook-deliveries).
    secret: "It's a Secret to Everybody",
    body: 'Hello, World!',
    headers: {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-github-event': 'push',
    },
    dedupKey: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    eventType: 'push',
  },
  stripe: {
    secret: 'whsec_test_catalog',
    body: stripeBody,
    headers: { 'stripe-signature': `t=${unix},v1=${hmacHex('sha256', 'whsec_test_catalog', `${unix}.${stripeBody}`)}` },
    staleHeaders: { 'stripe-signature': `t=${stale},v1=${hmacHex('sha256', 'whsec_test_catalog', `${stale}.${stripeBody}`)}` },
    dedupKey: 'evt_1NG8Du2eZvKYlo2CUI79vXWy',
    eventType: 'payment_intent.succeeded',
  },
  shopify: {
    secret: 'shpss_client_secret',
    body: shopifyBody,
    headers: {
      'x-shopify-hmac-sha256': createHmac('sha256', 'shpss_client_secret').update(shopifyBody).digest('base64'),
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'x-shopify-topic': 'orders/create',
    },
    dedupKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    eventType: 'orders/create',
  },
  'standard-webhooks': {
    secret: swSecret,
    body: swBody,
    headers: {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': unix,
      'webhook-signature': swSign(unix, swBody),
    },
    staleHeaders: {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': stale,
      'webhook-signature': swSign(stale, swBody),
    },
    dedupKey: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    eventType: undefined,
  },
  svix: {
    secret: swSecret,
    body: swBody,
    headers: { 'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'svix-timestamp': unix, 'svix-signature': swSign(unix, swBody) },
    staleHeaders: { 'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'svix-timestamp': stale, 'svix-signature': swSign(stale, swBody) },
    dedupKey: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    eventType: undefined,
  },
};

const verify = (entry: SourceEntry, secret: string, body: string, headers: Record<string, string>) =>
  verifyRequest({ rawBody: Buffer.from(body), headers, settings: sourceVerification(entry, [secret])!, now });

describe('the source catalog', () => {
  it('gives every entry a citation or says why it has none', () => {
    for (const name of sourceNames) {
      const entry: SourceEntry = sourceCatalog[name];
      expect(entry.citations.length > 0 || entry.gaps.some((gap) => gap.includes('No public')), name).toBe(true);
      expect(parseIpAllowList(entry.callerIps).invalid, name).toEqual([]);
    }
  });

  it('has vectors for every entry that signs', () => {
    const signing = sourceNames.filter((name) => sourceCatalog[name].verification !== null);
    expect(Object.keys(vectors).sort()).toEqual([...signing].sort());
  });

  describe.each(Object.entries(vectors) as [keyof typeof vectors, Vector][])('%s', (name, vector) => {
    const entry: SourceEntry = sourceCatalog[name];

    it('accepts the documented signature', () => {
      expect(verify(entry, vector.secret, vector.body, vector.headers)).toMatchObject({ ok: true });
    });

    it('refuses a tampered body, or says in its catalog entry that nothing signs the body', () => {
      const outcome = verify(entry, vector.secret, `${vector.body} `, vector.headers);
      if (vector.signsBody === false) expect(entry.verification?.signs).toMatch(/^nothing/);
      else expect(outcome).toMatchObject({ ok: false });
    });

    it('refuses a request signed with another secret', () => {
      const other = name === 'standard-webhooks' || name === 'svix' ? 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' : 'another-secret';
      expect(verify(entry, other, vector.body, vector.headers)).toMatchObject({ ok: false });
    });

    it('refuses a request without its credential header', () => {
      expect(verify(entry, vector.secret, vector.body, {})).toMatchObject({ ok: false });
    });

    it.runIf(vector.staleHeaders !== undefined)('refuses a signature older than its tolerance', () => {
      expect(entry.verification?.toleranceSeconds).toBe(300);
      expect(verify(entry, vector.secret, vector.body, vector.staleHeaders!)).toMatchObject({
        ok: false,
        reason: expect.stringContaining('timestamp'),
      });
    });

    it('reads its dedup key and event type', () => {
      let body: unknown;
      try {
        body = JSON.parse(vector.body);
      } catch {
        body = vector.body;
      }
      const key = sourceDedupKey(entry, vector.headers, body as never, Buffer.from(vector.body));
      expect(key.key.startsWith(vector.dedupKey), key.key).toBe(true);
      expect(sourceEventType(entry, vector.headers, body as never)).toBe(vector.eventType);
    });
  });

  it.each(sourceNames.filter((name) => sourceCatalog[name].callerIps !== ''))(
    '%s allows its documented callers and refuses an address outside them',
    (name) => {
      const entry: SourceEntry = sourceCatalog[name];
      const list = parseIpAllowList(entry.callerIps).list;
      const first = entry.callerIps.split(',')[0]!;
      expect(list.allows(first)).toBe(true);
      expect(list.allows(`::ffff:${first}`)).toBe(true);
      expect(list.allows('203.0.113.9')).toBe(false);
    },
  );

  it('mono accepts the plain secret its docs describe as well as the HMAC form', () => {
    const entry: SourceEntry = sourceCatalog.mono;
    expect(verify(entry, 'mono-secret', '{}', { 'mono-webhook-secret': 'mono-secret' })).toEqual({ ok: true, form: 'secret' });
    expect(verify(entry, 'mono-secret', '{}', { 'mono-webhook-secret': 'other' })).toMatchObject({ ok: false });
  });

  it('keys a body without its documented id on the SHA-256 of its bytes, so distinct bodies never share a key', () => {
    const entry: SourceEntry = sourceCatalog.paystack;
    const a = sourceDedupKey(entry, {}, { event: 'charge.success' }, Buffer.from('{"event":"charge.success"}'));
    const b = sourceDedupKey(entry, {}, { event: 'charge.success' }, Buffer.from('{"event":"charge.success" }'));
    expect(a.source).toBe('body:sha256');
    expect(a.key).not.toBe(b.key);
  });
});

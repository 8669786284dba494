import type { SourceEntry } from './source-entry.js';

const hexHmacSha512 = (header: string, signs = 'HMAC-SHA512 of the raw body, hex') =>
  ({ scheme: 'hmac-sha512', header, prefix: '', encoding: 'hex', toleranceSeconds: null, signs }) as const;

/**
 * The senders a configuration can name with `source` instead of spelling out its verification. Every
 * detail comes from the cited page or SDK file; what the provider does not publish is in `gaps`.
 * Adding a source is adding an entry (and its vectors in test/sources/).
 */
export const sourceCatalog = {
  paystack: {
    title: 'Paystack',
    secret: 'The secret key (sk_live_… / sk_test_…) from Settings → API Keys & Webhooks: Paystack signs with it.',
    verification: hexHmacSha512('x-paystack-signature', 'HMAC-SHA512 of the raw body keyed with the secret key, hex'),
    dedupKey: ['body:/event', 'body:/data/id'],
    eventType: 'body:/event',
    callerIps: '52.31.139.75,52.49.173.169,52.214.14.220',
    answer: '200 OK; otherwise live events are retried every 3 minutes for 4 tries, then hourly for 72 hours.',
    citations: ['https://paystack.com/docs/payments/webhooks/'],
    gaps: ['Paystack sends no event id: the key is the event name with the id of its data object.'],
  },
  flutterwave: {
    title: 'Flutterwave (v3)',
    secret: 'The "Secret hash" you chose under Settings → Webhooks: Flutterwave sends it back as is.',
    verification: {
      scheme: 'api-key',
      header: 'verif-hash',
      prefix: '',
      encoding: '',
      toleranceSeconds: null,
      signs: 'nothing: the header carries the secret hash itself',
    },
    dedupKey: ['body:/event', 'body:/data/id'],
    eventType: 'body:/event',
    callerIps: '',
    answer: '200 OK; any other status is a failed delivery.',
    citations: ['https://developer.flutterwave.com/docs/webhooks'],
    gaps: [
      'No caller addresses are published.',
      'Newer pages name the header flutterwave-signature, and v4 signs the body (HMAC-SHA256, base64): for v4, spell out the verification instead of naming this source.',
      'No retry schedule is published.',
    ],
  },
  monnify: {
    title: 'Monnify (Moniepoint)',
    secret: 'The client secret key from the Developer page of the Monnify dashboard.',
    verification: hexHmacSha512('monnify-signature', 'HMAC-SHA512 of the raw body keyed with the client secret, hex'),
    dedupKey: ['body:/eventType', 'body:/eventData/transactionReference'],
    eventType: 'body:/eventType',
    callerIps: '35.242.133.146',
    answer: '200 OK; any other status or a time-out makes Monnify send the notification again.',
    citations: ['https://developers.monnify.com/docs/webhooks', 'https://teamapt.atlassian.net/wiki/spaces/MON/pages/320864273'],
    gaps: ['Disbursement and settlement events may carry their reference under another name than transactionReference.'],
  },
  squad: {
    title: 'Squad (HabariPay)',
    secret: 'The secret key from dashboard → profile → API & Webhooks.',
    verification: hexHmacSha512(
      'x-squad-encrypted-body',
      'HMAC-SHA512 of the raw body keyed with the secret key, hex (the sample code prints it upper-case; either case passes)',
    ),
    dedupKey: ['body:/Event', 'body:/TransactionRef'],
    eventType: 'body:/Event',
    callerIps: '',
    answer: '200 OK.',
    citations: ['https://docs.squadco.com/webhook-direct-url/signature-validation'],
    gaps: ['No caller addresses are published.', 'No retry schedule is published.'],
  },
  interswitch: {
    title: 'Interswitch (Quickteller Business)',
    secret: 'The webhook secret key from Quickteller Business → Developer Tools.',
    verification: hexHmacSha512('x-interswitch-signature', 'HMAC-SHA512 of the raw body keyed with the secret key, hex'),
    dedupKey: [],
    eventType: null,
    callerIps: '',
    answer: '200 OK.',
    citations: ['https://docs.interswitchgroup.com/docs/webhooks'],
    gaps: [
      'The public page names the event types (TRANSACTION.COMPLETED, …) but not the field that carries them or an event id: requests are deduplicated on the SHA-256 of the raw body.',
      'No caller addresses are published.',
    ],
  },
  mono: {
    title: 'Mono',
    secret: 'The webhook secret from the Mono dashboard (MONO_WEBHOOK_SECRET for the fixed endpoint).',
    verification: {
      scheme: 'mono-webhook-secret',
      header: 'mono-webhook-secret',
      prefix: '',
      encoding: 'hex',
      toleranceSeconds: null,
      signs: 'the secret itself, or HMAC-SHA512 of the raw body keyed with it, hex',
    },
    dedupKey: ['body:/event_id'],
    eventType: 'body:/event',
    callerIps: '',
    answer: '200 OK; anything else is retried. The fixed endpoint answers 200 with {"success":true,…} (docs/providers.md).',
    fixedPath: '/api/webhooks/mono/callback',
    citations: ['https://docs.mono.co/docs/webhooks'],
    gaps: [
      'Mono documents only the plain secret in the header; the HMAC-SHA512 form is accepted because some Mono integrations send it (issue 21).',
      'No caller addresses are published.',
      'Not every Mono event carries event_id: without it the raw body is hashed.',
    ],
  },
  'remita-payment': {
    title: 'Remita payment notifications',
    secret: 'Nothing is signed: the caller address (REMITA_ALLOWED_IPS) and an optional URL token (REMITA_NOTIFICATION_TOKEN).',
    verification: null,
    dedupKey: ['body:/rrr'],
    eventType: null,
    callerIps: '',
    answer: '200 with {"success":true,…}.',
    fixedPath: '/api/webhooks/remita',
    citations: [],
    gaps: [
      'No public Remita page describing the notification was found: the fields follow the parser in src/providers/remita/.',
      'Remita publishes no caller addresses: the operator must set them.',
      'A body may hold an array of notifications.',
    ],
  },
  'remita-collection': {
    title: 'Remita collection (salary deduction) notifications',
    secret: 'Nothing is signed: the caller address (REMITA_ALLOWED_IPS) and an optional URL token (REMITA_NOTIFICATION_TOKEN).',
    verification: null,
    dedupKey: ['body:/transactionRef'],
    eventType: null,
    callerIps: '',
    answer: '200 with {"success":true,…}.',
    fixedPath: '/api/webhooks/remita/collection-notification',
    citations: [],
    gaps: [
      'No public Remita page describing the notification was found: the fields follow the parser in src/providers/remita/.',
      'Remita publishes no caller addresses: the operator must set them.',
      'Without a transaction reference the fixed endpoint keys on mandate, date and amount.',
    ],
  },
  github: {
    title: 'GitHub',
    secret: 'The webhook secret you typed when creating the webhook.',
    verification: {
      scheme: 'hmac-sha256',
      header: 'x-hub-signature-256',
      prefix: 'sha256=',
      encoding: 'hex',
      toleranceSeconds: null,
      signs: 'HMAC-SHA256 of the raw body keyed with the secret, hex after sha256=',
    },
    dedupKey: ['header:x-github-delivery'],
    eventType: 'header:x-github-event',
    callerIps: '',
    answer: 'A 2xx within 10 seconds; GitHub does not retry on its own (deliveries are redelivered by hand).',
    citations: [
      'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
      'https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers',
    ],
    gaps: [
      'GitHub publishes its hook addresses at https://api.github.com/meta (hooks) and changes them: set allowableIPs from there.',
    ],
  },
  stripe: {
    title: 'Stripe',
    secret: 'The endpoint signing secret (whsec_…) of the webhook endpoint in the Stripe dashboard.',
    verification: {
      scheme: 'stripe',
      header: 'stripe-signature',
      prefix: '',
      encoding: 'hex',
      toleranceSeconds: 300,
      signs: 'HMAC-SHA256 of "<t>.<raw body>" keyed with the signing secret, hex in v1=; t within 300 s (the SDK default)',
    },
    dedupKey: ['body:/id'],
    eventType: 'body:/type',
    callerIps:
      '3.18.12.63,3.130.192.231,13.235.14.237,13.235.122.149,18.211.135.69,35.154.171.200,52.15.183.38,54.88.130.119,54.88.130.237,54.187.174.169,54.187.205.235,54.187.216.72',
    answer: 'A 2xx quickly; live-mode events are retried with back-off for up to three days.',
    citations: [
      'https://docs.stripe.com/webhooks',
      'https://stripe.com/files/ips/ips_webhooks.txt',
      'https://github.com/stripe/stripe-node/blob/master/src/Webhooks.ts',
    ],
    gaps: [],
  },
  shopify: {
    title: 'Shopify',
    secret: "The app's client secret (Partner dashboard or the app's settings).",
    verification: {
      scheme: 'hmac-sha256',
      header: 'x-shopify-hmac-sha256',
      prefix: '',
      encoding: 'base64',
      toleranceSeconds: null,
      signs: 'HMAC-SHA256 of the raw body keyed with the client secret, base64',
    },
    dedupKey: ['header:x-shopify-webhook-id'],
    eventType: 'header:x-shopify-topic',
    callerIps: '',
    answer: 'A 200-series within 5 seconds (1 s to connect); otherwise 8 retries over 4 hours.',
    citations: [
      'https://shopify.dev/docs/apps/build/webhooks/verify-deliveries',
      'https://shopify.dev/apps/build/webhooks/ignore-duplicates',
    ],
    gaps: ['Shopify publishes no caller addresses.'],
  },
  'standard-webhooks': {
    title: 'Standard Webhooks',
    secret: 'The whsec_… signing secret (base64 after whsec_) the sender shows.',
    verification: {
      scheme: 'standard-webhooks',
      header: '',
      prefix: '',
      encoding: 'base64',
      toleranceSeconds: 300,
      signs: 'HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>", base64 in v1, entries; timestamp within 5 minutes',
    },
    dedupKey: ['header:webhook-id'],
    eventType: 'body:/type',
    callerIps: '',
    answer: 'A 2xx; anything else is retried by the sender.',
    citations: ['https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md'],
    gaps: ['Caller addresses are the sender’s own.'],
  },
  svix: {
    title: 'Svix',
    secret: 'The endpoint signing secret (whsec_…) from the Svix app portal.',
    verification: {
      scheme: 'svix',
      header: '',
      prefix: '',
      encoding: 'base64',
      toleranceSeconds: 300,
      signs: 'as Standard Webhooks, under svix-id, svix-timestamp and svix-signature',
    },
    dedupKey: ['header:svix-id'],
    eventType: null,
    callerIps: '',
    answer: 'A 2xx; anything else is retried on Svix’s schedule.',
    citations: ['https://docs.svix.com/receiving/verifying-payloads/how-manual'],
    gaps: [
      'The event type is in a payload field each Svix customer chooses.',
      'Svix publishes its source addresses per region; they are not copied here.',
    ],
  },
} as const satisfies Record<string, SourceEntry>;

export type SourceName = keyof typeof sourceCatalog;
export const sourceNames = Object.keys(sourceCatalog) as SourceName[];

/** The catalog entry of a name, or undefined for a name that is not one (an old row, a typo). */
export function sourceEntryOf(name: string): SourceEntry | undefined {
  return Object.hasOwn(sourceCatalog, name) ? (sourceCatalog as Record<string, SourceEntry>)[name] : undefined;
}

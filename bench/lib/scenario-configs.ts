/** The webhook configurations every service target creates: one per ingest scenario. */
export const scenarioConfigs = {
  'async-echo': { path: 'bench/async', executionType: 0, commandName: 'EchoCommand', responseMode: 'async' },
  'sync-echo': { path: 'bench/sync', executionType: 0, commandName: 'EchoCommand', responseMode: 'sync' },
  'sync-script': {
    path: 'bench/script',
    executionType: 2,
    responseMode: 'sync',
    // The small transforming script of the script benchmark: map a provider's payload.
    executionCode: [
      'const d = body.data;',
      'return { reference: d.reference, kobo: Math.round(d.amount * 100), payer: d.payer.name.toUpperCase(),',
      '  channel: d.channel ?? d.channnel, items: d.items.map((i) => i.amount).reduce((a, b) => a + b, 0) };',
    ].join('\n'),
  },
  // Drained by the workers: queued with the worker stopped, then timed to all final.
  'drain-echo': { path: 'bench/drain', executionType: 0, commandName: 'EchoCommand', responseMode: 'async' },
  // ordered-drain: the same with an ordering key, the body's `key` (see orderedNotification).
  'ordered-echo': {
    path: 'bench/ordered',
    executionType: 0,
    commandName: 'EchoCommand',
    responseMode: 'async',
    orderingKey: 'body:/key',
  },
} as const;

/** `limited`: forwards to BENCH_FORWARD_URL at no more than 50 a second and 10 at once. */
export function limitedForwardConfig(url: string) {
  return {
    path: 'bench/limited',
    executionType: 1,
    commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url } }],
    responseMode: 'async',
    maxAttempts: 3,
    maxConcurrency: 10,
    maxPerSecond: 50,
  };
}

/** The payment notification with an ordering key (one of `keys`, by `n`) and its place `n`. */
export function orderedNotification(n: number, keys: number): string {
  return `{"key":"mandate-${n % keys}","n":${n},${paymentNotification().slice(1)}`;
}

export type ScenarioConfigName = keyof typeof scenarioConfigs;

/** A 660-byte Remita-style payment notification, as providers send them. */
export function paymentNotification(): string {
  const body = {
    event: 'payment.successful',
    data: {
      rrr: '290007819183',
      reference: 'RMT-2026-12-02-000183',
      amount: 125000.5,
      channel: 'BRANCH',
      transactiondate: '2026-12-02 09:14:55',
      debitdate: '2026-12-02 09:15:02',
      orderRef: 'ORD-7781-2231-0043',
      bank: '058',
      branch: '058152052',
      serviceTypeId: '4430731',
      payer: { name: 'Adaeze Okonkwo', email: 'adaeze.okonkwo@example.ng', phone: '08031234567' },
      items: [
        { description: 'Loan repayment, December', amount: 100000 },
        { description: 'Insurance premium', amount: 25000.5 },
      ],
      narration: 'Monthly salary deduction for loan LN-00019283, mandate MDT-553421',
    },
  };
  return JSON.stringify(body);
}

import type { WebhookConfigFields } from '../../src/domain/webhook-config.js';
import type { NewWebhookEvent } from '../../src/domain/webhook-event.js';

/** A configuration running EchoCommand asynchronously under `key` at `/key`: change only what a test is about. */
export function echoConfigFields(key: string, fields: Partial<WebhookConfigFields> = {}): WebhookConfigFields {
  return {
    key,
    description: '',
    isEnabled: true,
    path: `/${key}`,
    action: 'POST',
    target: { case: 'native', commandName: 'EchoCommand' },
    allowableIps: '',
    responseMode: 'async',
    timeoutMs: null,
    maxAttempts: null,
    idempotencyKey: null,
    orderingKey: null,
    maxConcurrency: null,
    maxPerSecond: null,
    verification: null,
    ...fields,
  };
}

/** An async event queued at `at` for `configKey` (no configuration id unless given), three attempts allowed. */
export function queuedEvent(configKey: string, at: Date, fields: Partial<NewWebhookEvent> = {}): NewWebhookEvent {
  return {
    configId: null,
    configKey,
    configVersion: null,
    source: 'router',
    method: 'POST',
    path: configKey,
    headers: {},
    query: {},
    rawBody: Buffer.from('{}'),
    clientIp: '127.0.0.1',
    receivedAt: at,
    idempotencyKey: null,
    responseMode: 'async',
    status: 'queued',
    attempts: 0,
    maxAttempts: 3,
    availableAt: at,
    leaseOwner: null,
    trace: {},
    ...fields,
  };
}

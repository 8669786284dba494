import type { Knex } from 'knex';
import * as createWebhookConfigs from './20261128000000-create-webhook-configs.js';
import * as createSigningKeys from './20261128010000-create-signing-keys.js';
import * as createAuditLog from './20261128010100-create-audit-log.js';
import * as createWebhookEvents from './20261128020000-create-webhook-events.js';
import * as createRefusedRequests from './20261202040000-create-refused-requests.js';
import * as addEventSourceDedupAndFields from './20261202070000-add-event-source-dedup-and-fields.js';
import * as addWebhookEventRequestId from './20261202080000-add-webhook-event-request-id.js';
import * as createProcessDefinitions from './20261202060000-create-process-definitions.js';
import * as createProcessInstances from './20261202060100-create-process-instances.js';
import * as addProcessCorrelation from './20261202100000-add-process-correlation.js';
import * as addProcessCalls from './20261202110000-add-process-calls.js';
import * as createWebhookEventQueue from './20261207000000-create-webhook-event-queue.js';
import * as addWebhookConfigAuthority from './20261207020000-add-webhook-config-authority.js';
import * as partitionWebhookEvents from './20261207100000-partition-webhook-events.js';
import * as addDeliveryPause from './20261208000000-add-delivery-pause.js';
import * as addOrderingKeys from './20261208002000-add-ordering-keys.js';
import * as createNotificationConditions from './20261208010000-create-notification-conditions.js';
import * as addCallTreeSize from './20261208030000-add-call-tree-size.js';
import * as addDeliveryLimits from './20261209100000-add-delivery-limits.js';
import * as addRefusedRequestSources from './20261209300000-add-refused-request-sources.js';
import * as addProcessTraceContext from './20261209500000-add-process-trace-context.js';
import * as addWebhookConfigSource from './20261209600000-add-webhook-config-source.js';
import * as addRetiringSecrets from './20261213000000-add-retiring-secrets.js';
import * as addWebhookConfigExpectedEvery from './20261214000000-add-webhook-config-expected-every.js';

/** Every migration, oldest first. Forward-only in production; `down` exists for local work. */
const migrations: Record<string, Knex.Migration> = {
  '20261128000000-create-webhook-configs': createWebhookConfigs,
  '20261128010000-create-signing-keys': createSigningKeys,
  '20261128010100-create-audit-log': createAuditLog,
  '20261128020000-create-webhook-events': createWebhookEvents,
  '20261202040000-create-refused-requests': createRefusedRequests,
  '20261202070000-add-event-source-dedup-and-fields': addEventSourceDedupAndFields,
  '20261202080000-add-webhook-event-request-id': addWebhookEventRequestId,
  '20261202060000-create-process-definitions': createProcessDefinitions,
  '20261202060100-create-process-instances': createProcessInstances,
  '20261202100000-add-process-correlation': addProcessCorrelation,
  '20261202110000-add-process-calls': addProcessCalls,
  '20261207000000-create-webhook-event-queue': createWebhookEventQueue,
  '20261207020000-add-webhook-config-authority': addWebhookConfigAuthority,
  '20261207100000-partition-webhook-events': partitionWebhookEvents,
  '20261208000000-add-delivery-pause': addDeliveryPause,
  '20261208002000-add-ordering-keys': addOrderingKeys,
  '20261208010000-create-notification-conditions': createNotificationConditions,
  '20261208030000-add-call-tree-size': addCallTreeSize,
  '20261209100000-add-delivery-limits': addDeliveryLimits,
  '20261209300000-add-refused-request-sources': addRefusedRequestSources,
  '20261209500000-add-process-trace-context': addProcessTraceContext,
  '20261209600000-add-webhook-config-source': addWebhookConfigSource,
  '20261213000000-add-retiring-secrets': addRetiringSecrets,
  '20261214000000-add-webhook-config-expected-every': addWebhookConfigExpectedEvery,
};

/**
 * Migrations compiled into the program instead of read from a folder, so the same list runs from
 * `src/` (tests, tsx) and from `dist/` (npm start).
 */
export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return migration;
  },
};

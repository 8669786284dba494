import { getAuditLog } from './audit/get-audit-log.js';
import { listParkedKeysQuery } from './ordering-keys/list-parked-keys.js';
import { createReleaseOrderingKey } from './ordering-keys/release-ordering-key.js';
import type { CommandDefinition } from './command.js';
import { getCommandList } from './registry/get-command-list.js';
import { getSourceCatalog } from './sources/get-source-catalog.js';
import { echoCommand } from './native/echo-command.js';
import { deployProcessDefinition } from './processes/deploy-process-definition.js';
import { getProcessDefinitionById } from './processes/get-process-definition-by-id.js';
import { getProcessDefinitionList } from './processes/get-process-definition-list.js';
import { createCancelProcessInstance } from './processes/cancel-process-instance.js';
import { createCorrelateProcessMessage } from './processes/correlate-process-message.js';
import { getProcessInstanceById } from './processes/get-process-instance-by-id.js';
import { getProcessInstanceList } from './processes/get-process-instance-list.js';
import { createSignalProcessInstance } from './processes/signal-process-instance.js';
import { createStartProcessInstance } from './processes/start-process-instance.js';
import type { ProcessRuntime } from '../processes/process-runtime.js';
import { createForwardWebhookCommand, type ForwardWebhookOptions } from './native/forward-webhook-command.js';
import { activateWebHookConfig } from './webhook-configs/activate-web-hook-config.js';
import { createWebHookConfig } from './webhook-configs/create-web-hook-config.js';
import { deactivateWebHookConfig } from './webhook-configs/deactivate-web-hook-config.js';
import { deleteWebHookConfig } from './webhook-configs/delete-web-hook-config.js';
import { getWebHookConfigById } from './webhook-configs/get-web-hook-config-by-id.js';
import { getWebHookConfigList } from './webhook-configs/get-web-hook-config-list.js';
import { lookupWebHookByKey } from './webhook-configs/lookup-web-hook-by-key.js';
import { pauseWebHookDelivery } from './webhook-configs/pause-web-hook-delivery.js';
import { resumeWebHookDelivery } from './webhook-configs/resume-web-hook-delivery.js';
import { rotateWebHookSecret } from './webhook-configs/rotate-web-hook-secret.js';
import { createTestWebHookConfig, type DryRunOptions } from './webhook-configs/test-web-hook-config.js';
import { createSendTestWebhook } from './webhook-configs/send-test-webhook.js';
import type { SendToSelf } from './webhook-configs/send-to-self.js';
import { updateWebHookConfig } from './webhook-configs/update-web-hook-config.js';
import { getWebhookEventById } from './webhook-events/get-webhook-event-by-id.js';
import { getDeliveryOverview } from './webhook-events/get-delivery-overview.js';
import { getWebhookEventCountsByMinute } from './webhook-events/get-webhook-event-counts-by-minute.js';
import { getWebhookEventList } from './webhook-events/get-webhook-event-list.js';
import { createReplayWebhookEvent, type ReplayOptions } from './webhook-events/replay-webhook-event.js';

/** Every built-in command, by `$type`. Adding a command is adding a line here. */
export const builtInCommands = {
  CreateWebHookConfigCommand: createWebHookConfig,
  ActivateWebHookConfigCommand: activateWebHookConfig,
  DeactivateWebHookConfigCommand: deactivateWebHookConfig,
  UpdateWebHookConfigCommand: updateWebHookConfig,
  DeleteWebHookConfigCommand: deleteWebHookConfig,
  GetWebHookConfigListQuery: getWebHookConfigList,
  GetWebHookConfigByIdQuery: getWebHookConfigById,
  LookupWebHookByKeyCommand: lookupWebHookByKey,
  PauseWebHookDeliveryCommand: pauseWebHookDelivery,
  ResumeWebHookDeliveryCommand: resumeWebHookDelivery,
  RotateWebHookSecretCommand: rotateWebHookSecret,
  GetAuditLogQuery: getAuditLog,
  GetCommandListQuery: getCommandList,
  GetWebhookEventListQuery: getWebhookEventList,
  GetWebhookEventByIdQuery: getWebhookEventById,
  GetWebhookEventCountsByMinuteQuery: getWebhookEventCountsByMinute,
  GetDeliveryOverviewQuery: getDeliveryOverview,
  EchoCommand: echoCommand,
  DeployProcessDefinitionCommand: deployProcessDefinition,
  GetProcessDefinitionListQuery: getProcessDefinitionList,
  GetProcessDefinitionByIdQuery: getProcessDefinitionById,
  GetProcessInstanceByIdQuery: getProcessInstanceById,
  GetProcessInstanceListQuery: getProcessInstanceList,
  ListParkedKeysQuery: listParkedKeysQuery,
  GetSourceCatalogQuery: getSourceCatalog,
} satisfies Record<string, CommandDefinition>;

/** Built-in commands that need settings from the configuration. */
export function createConfiguredCommands(options: {
  forward: ForwardWebhookOptions;
  replay: ReplayOptions;
  processes: ProcessRuntime;
  dryRun: DryRunOptions;
  /** This process's own webhook ingress; absent in a process that serves no webhooks (the executor process). */
  sendToSelf?: SendToSelf | undefined;
}) {
  return {
    StartProcessInstanceCommand: createStartProcessInstance(options.processes),
    SignalProcessInstanceCommand: createSignalProcessInstance(options.processes),
    CancelProcessInstanceCommand: createCancelProcessInstance(options.processes),
    CorrelateProcessMessageCommand: createCorrelateProcessMessage(options.processes),
    ReplayWebhookEventCommand: createReplayWebhookEvent(options.replay),
    ReleaseOrderingKeyCommand: createReleaseOrderingKey(options.replay),
    ForwardWebhookCommand: createForwardWebhookCommand(options.forward),
    TestWebHookConfigCommand: createTestWebHookConfig(options.dryRun),
    SendTestWebhookCommand: createSendTestWebhook(options.sendToSelf),
  } satisfies Record<string, CommandDefinition>;
}

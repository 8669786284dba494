import {
  TestWebHookConfigCommandSchema,
  TestWebHookConfigResponseSchema,
  type TestWebHookConfigCommand,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import type { WebhookConfigFields } from '../../domain/webhook-config.js';
import { unknownTarget } from '../../domain/execution-target.js';
import { failedPrecondition, invalidArgument, notFound } from '../../errors.js';
import type { ConfigDryRun } from '../../executors/dry-run.js';
import type { ExecutionContextJson } from '../../executors/execution-job.js';
import { dryRunCorrelation } from '../../processes/dry-run-correlation.js';
import { dryRunProcess } from '../../processes/dry-run-process.js';
import { startVariables } from '../../processes/process-variables.js';
import { dryRunScript } from '../../executors/script/dry-run-script.js';
import type { ScriptSandbox } from '../../executors/script/script-sandbox.js';
import { findProcessDefinitionById } from '../../store/process-definitions.js';
import { defineCommand, type CommandContext } from '../command.js';
import { toConfigDryRunMessage } from './config-dry-run-message.js';
import { dryRunContext } from './dry-run-input.js';
import { requireWebhookConfig } from './stored-config.js';
import { findExecutionProblems } from './validate-webhook-config.js';
import { draftFromCreate } from './webhook-config-draft.js';

/** What a dry run runs on and how far it may go. */
export interface DryRunOptions {
  readonly sandbox: ScriptSandbox;
  /** SCRIPT_TIMEOUT_MS: a configuration's `timeoutMs` may only lower it. */
  readonly scriptTimeoutMs: number;
  /** PROCESS_MAX_STEPS. */
  readonly maxSteps: number;
  /** PROCESS_ENGINE_SLICE_MS. */
  readonly engineSliceMs: number;
}

/** How long a process draft may run before the dry run gives up on it. */
const processDryRunMs = 10_000;

/**
 * A dry run of a configuration (saved, or a draft whose execution fields are checked as at save
 * time) against a stored event or a body: nothing is stored and no command runs (see
 * TestWebHookConfigCommand in proto). It needs `webhooks:write`, as it runs configuration code, and
 * `events:read` too to read a stored event. Its audit entry records the call only.
 */
export const createTestWebHookConfig = (options: DryRunOptions) =>
  defineCommand({
    name: TestWebHookConfigCommandSchema.name,
    input: TestWebHookConfigCommandSchema,
    output: TestWebHookConfigResponseSchema,
    permission: 'webhooks:write',
    successMessage: 'Webhook configuration tried without effects',
    runnableFromWebhook: false,
    description: 'Runs a configuration or a draft against a stored event or a body, storing nothing and running no command',
    async handle(input, ctx) {
      const config = await configToTry(input, ctx);
      const context = await dryRunContext(input, config, ctx);
      return { data: toConfigDryRunMessage(await runDry(config, context, ctx, options)) };
    },
  });

async function configToTry(input: TestWebHookConfigCommand, ctx: CommandContext): Promise<WebhookConfigFields> {
  if ((input.configId === undefined) === (input.draft === undefined)) {
    throw invalidArgument('Validation failed', ['Give a configuration id or a draft, not both']);
  }
  if (input.draft === undefined) return requireWebhookConfig(ctx.db, input.configId!, 'Dry run failed');
  const draft = draftFromCreate(input.draft);
  // Checked as a save by this caller would check it: with the caller's permissions as its authority.
  const problems = await findExecutionProblems(draft, { ...ctx, authority: ctx.actor.permissions });
  if (problems.length > 0) throw invalidArgument('Validation failed', problems);
  const { targetShapeProblems: _shape, target, ...fields } = draft;
  return { ...fields, target: target! };
}

async function runDry(
  config: WebhookConfigFields,
  context: ExecutionContextJson,
  ctx: CommandContext,
  options: DryRunOptions,
): Promise<ConfigDryRun> {
  const timeoutMs = Math.min(options.scriptTimeoutMs, config.timeoutMs ?? Number.POSITIVE_INFINITY);
  const { target } = config;
  switch (target.case) {
    case 'script':
      return dryRunScript(options.sandbox, { code: target.code, context, timeoutMs });
    case 'process': {
      const id = target.definitionId;
      const definition = await findProcessDefinitionById(ctx.db, id);
      if (!definition) throw notFound('Dry run failed', [`Process definition ${id} does not exist`]);
      if (target.action === 'correlate') {
        const correlate = {
          messageName: target.messageName ?? '',
          correlationKey: target.correlationKey ?? '',
          body: context.body,
        };
        return dryRunCorrelation(ctx.db, definition, correlate);
      }
      const limits = {
        sandbox: options.sandbox,
        scriptTimeoutMs: timeoutMs,
        maxSteps: options.maxSteps,
        engineSliceMs: options.engineSliceMs,
        timeoutMs: processDryRunMs,
      };
      return dryRunProcess(definition, startVariables(context), limits);
    }
    case 'native':
    case 'chain':
      throw failedPrecondition('Dry run failed', [
        'A dry run runs scripts (type 2) and processes (type 3); native commands and chains act outside the service, so they are not run',
      ]);
    default:
      return unknownTarget(target);
  }
}

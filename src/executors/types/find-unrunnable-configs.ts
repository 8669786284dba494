import { listAllWebhookConfigs } from '../../store/webhook-configs.js';
import type { TargetValidationContext } from './execution-type-descriptor.js';
import { findExecutionType } from './execution-types.js';

/** An enabled stored configuration whose work cannot run now, with the reasons its save would be refused. */
export interface UnrunnableConfig {
  readonly id: number;
  readonly key: string;
  readonly problems: readonly string[];
}

/**
 * Enabled configurations that name what this process lacks: a command no module registered (a
 * restart without `COMMAND_MODULES`) or a process definition that is gone. Scripts are not checked:
 * their code compiled when saved and the sandbox does not change between starts.
 */
export async function findUnrunnableConfigs(context: TargetValidationContext): Promise<UnrunnableConfig[]> {
  const unrunnable: UnrunnableConfig[] = [];
  for (const config of await listAllWebhookConfigs(context.db)) {
    const type = findExecutionType(config.executionType);
    if (!config.isEnabled || type?.targetField === 'executionCode') continue;
    const problems = type ? await type.targetProblems(config, context) : [`Execution type ${config.executionType} is unknown`];
    if (problems.length > 0) unrunnable.push({ id: config.id, key: config.key, problems });
  }
  return unrunnable;
}

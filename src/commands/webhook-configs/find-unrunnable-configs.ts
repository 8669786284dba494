import type { Knex } from 'knex';
import { listAllWebhookConfigs } from '../../store/webhook-configs.js';
import type { CommandCatalog } from '../command.js';
import { targetProblems, type TargetValidationContext } from './target-problems.js';

/** An enabled stored configuration whose work cannot run now, with the reasons its save would be refused. */
export interface UnrunnableConfig {
  readonly id: number;
  readonly key: string;
  readonly problems: readonly string[];
}

/**
 * Enabled configurations that name what this process lacks: a command no module registered (a
 * restart without `COMMAND_MODULES`) or a process definition that is gone. Scripts are not checked:
 * their code compiled when saved and the sandbox does not change between starts. Each is checked
 * with the authority recorded when it was saved, as its commands will run.
 */
export async function findUnrunnableConfigs(context: { db: Knex; commands: CommandCatalog }): Promise<UnrunnableConfig[]> {
  const unrunnable: UnrunnableConfig[] = [];
  for (const config of await listAllWebhookConfigs(context.db)) {
    if (!config.isEnabled || config.target.case === 'script') continue;
    const asSaved: TargetValidationContext = { ...context, authority: new Set(config.authority) };
    const problems = await targetProblems(config.target, asSaved);
    if (problems.length > 0) unrunnable.push({ id: config.id, key: config.key, problems });
  }
  return unrunnable;
}

import { clip } from '../../domain/clip.js';
import type { CommandCatalog } from '../command.js';

/**
 * A command a webhook may run: registered, not a management command, and needing a permission the
 * saving token holds (its authority: what the command will run with).
 */
export function runnableCommandProblems(
  name: string,
  context: { readonly commands: CommandCatalog; readonly authority: ReadonlySet<string> },
): string[] {
  if (name === '') return ['Command name must not be empty'];
  const command = context.commands.find(name);
  if (!command) return [`Command "${clip(name)}" is not registered`];
  if (!command.runnableFromWebhook) return [`Command "${name}" cannot be run from a webhook`];
  if (!context.authority.has(command.permission)) return [lacksPermission(`Command "${name}"`, command.permission)];
  return [];
}

/** The sentence for work the saving token could not do over the API itself. */
export function lacksPermission(what: string, permission: string): string {
  return `${what} needs ${permission}, which the saving token does not hold: the configuration would run with its permissions`;
}

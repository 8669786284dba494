import type { CommandCatalog } from '../../commands/command.js';
import { clip } from '../../domain/clip.js';

/** A command a webhook may run: registered and not a management command. */
export function runnableCommandProblems(name: string, commands: CommandCatalog): string[] {
  if (name === '') return ['Command name must not be empty'];
  const command = commands.find(name);
  if (!command) return [`Command "${clip(name)}" is not registered`];
  if (!command.runnableFromWebhook) return [`Command "${name}" cannot be run from a webhook`];
  return [];
}

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CommandDefinition } from '../command.js';
import { adaptModuleCommand, type ModuleCommand } from './module-command.js';

const namePattern = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Imports every COMMAND_MODULES module and adapts the commands it exports (`export const commands = [...]`
 * or a default export of that array). Throws one error naming the module and the problem.
 */
export async function loadCommandModules(paths: readonly string[], cwd = process.cwd()): Promise<CommandDefinition[]> {
  const loaded: CommandDefinition[] = [];
  for (const path of paths) {
    const file = isAbsolute(path) ? path : resolve(cwd, path);
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`COMMAND_MODULES: cannot load ${path}: ${(error as Error).message}`);
    }
    const commands = module.commands ?? module.default;
    if (!Array.isArray(commands)) throw new Error(`COMMAND_MODULES: ${path} exports no \`commands\` array`);
    commands.forEach((command: unknown, index) => {
      const problem = problemOf(command);
      if (problem) throw new Error(`COMMAND_MODULES: ${path}: commands[${index}] ${problem}`);
      loaded.push(adaptModuleCommand(command as ModuleCommand));
    });
  }
  return loaded;
}

function problemOf(command: unknown): string | undefined {
  if (typeof command !== 'object' || command === null) return 'is not an object';
  const { name, handler, inputSchema } = command as Partial<Record<keyof ModuleCommand, unknown>>;
  if (typeof name !== 'string' || !namePattern.test(name)) return 'needs a name made of letters, digits and "_"';
  if (typeof handler !== 'function') return `(${name}) needs a handler function`;
  if (
    inputSchema !== undefined &&
    typeof (inputSchema as { '~standard'?: { validate?: unknown } })['~standard']?.validate !== 'function'
  ) {
    return `(${name}) has an inputSchema that is not a Standard Schema (zod 4, valibot, arktype...)`;
  }
  return undefined;
}

import { GetCommandListQuerySchema, GetCommandListResponseSchema } from '../../../gen/bpm/webhooks/v1/command_service_pb.js';
import { defineCommand } from '../command.js';

/** Lists the registered commands (built in and from COMMAND_MODULES), ordered by name. */
export const getCommandList = defineCommand({
  name: GetCommandListQuerySchema.name,
  input: GetCommandListQuerySchema,
  output: GetCommandListResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Commands retrieved successfully',
  runnableFromWebhook: false,
  description: 'Lists the registered commands',
  async handle(input, ctx) {
    const search = input.searchText.trim().toLowerCase();
    const commands = ctx.commands
      .list()
      .filter((command) => input.runnableFromWebhook === undefined || command.runnableFromWebhook === input.runnableFromWebhook)
      .filter((command) => search === '' || command.name.toLowerCase().includes(search))
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      data: commands.map((command) => ({
        name: command.name,
        runnableFromWebhook: command.runnableFromWebhook,
        permission: command.permission,
        description: command.description ?? '',
      })),
    };
  },
});

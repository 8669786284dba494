import { fromJson } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import type { CommandBus } from '../../commands/command-bus.js';
import { executionContextToJson } from '../execution-context-json.js';
import { failedResult, type Executor } from '../executor.js';
import { runWebhookCommand } from '../run-webhook-command.js';

/** Type 0: runs the registered command `commandName` with the webhook context as its input. */
export function createNativeExecutor(bus: CommandBus): Executor {
  return {
    async execute(request, { signal }) {
      const context = executionContextToJson(request.context);
      const outcome = await runWebhookCommand(bus, request.commandName, context, {
        key: context.key as string,
        requestId: `event-${context.eventId}`,
        signal,
      });
      if (!outcome.success) return failedResult(...outcome.errors);
      return { success: true, data: fromJson(ValueSchema, outcome.data) };
    },
    dispose: async () => {},
  };
}

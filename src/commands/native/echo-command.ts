import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { defineCommand } from '../command.js';

/** Returns its input unchanged: the simplest command a webhook can run, and a probe for wiring. */
export const echoCommand = defineCommand({
  name: 'EchoCommand',
  input: ValueSchema,
  output: ValueSchema,
  permission: 'webhooks:write',
  successMessage: 'Command executed successfully',
  runnableFromWebhook: true,
  description: 'Returns its input unchanged',
  handle: async (input) => input,
});

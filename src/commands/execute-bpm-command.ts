import { create, fromJson, type JsonValue, type Message } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { BpmResultSchema, type BpmCommand, type BpmResult } from '../../gen/bpm/webhooks/v1/bpm_service_pb.js';
import { invalidArgument } from '../errors.js';
import { messageToJson } from './message-json.js';
import type { CommandDefinition } from './command.js';
import type { CommandBus, Invocation } from './command-bus.js';

/** Runs whichever command the envelope holds and answers its success message and data as JSON. */
export async function executeBpmCommand(bus: CommandBus, envelope: BpmCommand, invocation: Invocation): Promise<BpmResult> {
  const { value: input } = envelope.command;
  if (!input) throw invalidArgument('Validation failed', ['The envelope holds no command']);
  const name = input.$typeName.slice(input.$typeName.lastIndexOf('.') + 1);
  const command = bus.find(name);
  if (!command) throw invalidArgument('Unknown command', [`No command is registered as "${name}"`]);
  const { message, output } = await bus.execute(name, input, invocation);
  return create(BpmResultSchema, { message, data: fromJson(ValueSchema, envelopeData(command, input, output)) });
}

/** A command's result as the envelope's `data`: its own presentation, else the response's `data` field, else all of it. */
export function envelopeData(command: CommandDefinition, input: Message, output: Message): JsonValue {
  if (command.toEnvelopeData) return command.toEnvelopeData(output, input, messageToJson);
  const json = messageToJson(command.output, output);
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'data' in json) return json.data ?? null;
  return json;
}

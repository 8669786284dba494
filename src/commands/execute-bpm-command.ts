import { create, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { BpmResultSchema, type BpmCommand, type BpmResult } from '../../gen/bpm/webhooks/v1/bpm_service_pb.js';
import { invalidArgument } from '../errors.js';
import { messageToJson } from './message-json.js';
import type { CommandBus, Invocation } from './command-bus.js';

/** Runs whichever command the envelope holds and answers its success message and data as JSON. */
export async function executeBpmCommand(bus: CommandBus, envelope: BpmCommand, invocation: Invocation): Promise<BpmResult> {
  const { value: input } = envelope.command;
  if (!input) throw invalidArgument('Validation failed', ['The envelope holds no command']);
  const name = input.$typeName.slice(input.$typeName.lastIndexOf('.') + 1);
  const command = bus.find(name);
  if (!command) throw invalidArgument('Unknown command', [`No command is registered as "${name}"`]);
  const { message, output } = await bus.execute(name, input, invocation);
  const data: JsonValue = command.toEnvelopeData
    ? command.toEnvelopeData(output, input, messageToJson)
    : defaultEnvelopeData(messageToJson(command.output, output));
  return create(BpmResultSchema, { message, data: fromJson(ValueSchema, data) });
}

/** A response's `data` field when it has one, else the whole response. */
function defaultEnvelopeData(json: JsonValue): JsonValue {
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'data' in json) return json.data ?? null;
  return json;
}

import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ProcessDefinitionSchema } from '../../../gen/bpm/webhooks/v1/process_definition_pb.js';
import type { ProcessDefinition } from '../../domain/process-definition.js';

/** A definition as the API shows it; the document only when asked for by id. */
export function toProcessDefinitionMessage(
  definition: ProcessDefinition,
  options: { withXml: boolean },
): MessageInitShape<typeof ProcessDefinitionSchema> {
  return {
    id: BigInt(definition.id),
    name: definition.name,
    version: definition.version,
    processId: definition.processId,
    description: definition.description,
    deployedAt: timestampFromDate(definition.deployedAt),
    deployedBy: definition.deployedBy,
    bpmnXml: options.withXml ? definition.bpmnXml : '',
  };
}

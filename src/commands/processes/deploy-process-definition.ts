import { create } from '@bufbuild/protobuf';
import { ProcessDefinitionSchema } from '../../../gen/bpm/webhooks/v1/process_definition_pb.js';
import {
  DeployProcessDefinitionCommandSchema,
  DeployProcessDefinitionResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { callActivityProblems } from '../../processes/call-activities.js';
import { expressionProblems } from '../../processes/expression-problems.js';
import { parseBpmn } from '../../processes/parse-bpmn.js';
import { findProcessDefinitionById, insertProcessDefinition } from '../../store/process-definitions.js';
import { defineCommand } from '../command.js';
import { messageToJson } from '../message-json.js';
import { toProcessDefinitionMessage } from './process-definition-message.js';

const maxNameLength = 200;
const maxDescriptionLength = 1_000;

/** Validates a BPMN document and stores it as the next version of its name. */
export const deployProcessDefinition = defineCommand({
  name: DeployProcessDefinitionCommandSchema.name,
  input: DeployProcessDefinitionCommandSchema,
  output: DeployProcessDefinitionResponseSchema,
  permission: 'processes:write',
  successMessage: 'Process definition deployed successfully',
  runnableFromWebhook: false,
  description: 'Validates a BPMN 2.0 document and stores it as the next version of its name',
  audit: {
    entityType: 'process_definition',
    entityId: (_input, output) => output?.data?.id,
    // The audit keeps what was deployed, not the document itself (up to 1 MiB per entry).
    async load(db, id) {
      const definition = /^\d{1,15}$/.test(id) ? await findProcessDefinitionById(db, Number(id)) : undefined;
      if (!definition) return undefined;
      const message = create(ProcessDefinitionSchema, toProcessDefinitionMessage(definition, { withXml: false }));
      return messageToJson(ProcessDefinitionSchema, message);
    },
  },
  async handle(input, ctx) {
    const name = input.name.trim();
    const problems = [
      ...(name === '' ? ['Name is required'] : []),
      ...(name.length > maxNameLength ? [`Name must be at most ${maxNameLength} characters`] : []),
      ...(input.description.length > maxDescriptionLength
        ? [`Description must be at most ${maxDescriptionLength} characters`]
        : []),
    ];
    const check = await parseBpmn(input.bpmnXml);
    if (!check.ok) problems.push(...check.problems);
    else {
      problems.push(...expressionProblems(check.parsed, ctx.clock()));
      problems.push(...(await callActivityProblems(ctx.db, check.parsed, name)));
    }
    if (problems.length > 0 || !check.ok) throw invalidArgument('Validation failed', problems);
    const definition = await insertProcessDefinition(ctx.db, {
      name,
      processId: check.processId,
      description: input.description,
      bpmnXml: input.bpmnXml,
      deployedAt: ctx.clock(),
      deployedBy: ctx.actor.subject,
    });
    return { data: toProcessDefinitionMessage(definition, { withXml: false }) };
  },
});

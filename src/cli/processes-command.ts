import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { DescMessage, JsonObject, MessageShape } from '@bufbuild/protobuf';
import { Command } from 'commander';
import type { ProcessInstance } from '../../gen/bpm/webhooks/v1/process_instance_pb.js';
import {
  CancelProcessInstanceResponseSchema,
  CorrelateProcessMessageResponseSchema,
  DeployProcessDefinitionResponseSchema,
  GetProcessInstanceByIdResponseSchema,
  GetProcessInstanceListResponseSchema,
  ProcessService,
  SignalProcessInstanceResponseSchema,
  StartProcessInstanceResponseSchema,
} from '../../gen/bpm/webhooks/v1/process_service_pb.js';
import { cliContext, printJson, type CliContext } from './cli-context.js';
import { UsageError } from './exit-codes.js';
import { createManagementClient } from './management-client.js';
import { formatTable, type Output } from './output.js';
import { formatTimestamp, parseId, parsePositive } from './parse-arguments.js';
import { readInputFile } from './read-input-file.js';

/** `processes deploy|start|list|show|signal|correlate|cancel`: BPMN definitions and instances on a running server. */
export function processesCommand(output: Output): Command {
  const processes = new Command('processes').description('deploy BPMN processes and run their instances');
  const client = (command: Command) => {
    const context = cliContext(command, output);
    return { context, api: createManagementClient(ProcessService, context) };
  };

  processes
    .command('deploy <file>')
    .description('deploy a BPMN 2.0 file as a new version of a definition')
    .option('--name <name>', 'definition name (default: the file name without its extension)')
    .option('--description <text>', 'what the process does')
    .action(async (file: string, options: { name?: string; description?: string }, command: Command) => {
      const { context, api } = client(command);
      const bpmnXml = await readBpmn(file);
      const name = options.name ?? basename(file, extname(file));
      const response = await api.deployProcessDefinition({ name, bpmnXml, description: options.description ?? '' });
      if (context.json) return printJson(context, DeployProcessDefinitionResponseSchema, response);
      const deployed = response.data;
      output.out(`${response.message}: id ${deployed?.id}, ${deployed?.name} version ${deployed?.version}`);
    });

  withVariables(processes.command('start <definition-id>').description('start an instance of a process definition'))
    .option('--mode <mode>', 'execution mode (sync or async)')
    .action(async (id: string, options: Record<string, string | undefined>, command: Command) => {
      const { context, api } = client(command);
      const response = await api.startProcessInstance({
        processDefinitionId: parseId(id),
        variables: await variablesOf(options),
        executionMode: options.mode ?? '',
      });
      if (context.json) return printJson(context, StartProcessInstanceResponseSchema, response);
      const started = response.data;
      output.out(
        formatTable(
          ['instance', 'status', 'current task'],
          [
            [
              String(started?.instanceId ?? ''),
              started?.status ?? '',
              started?.currentTaskName || (started?.currentTaskId ?? ''),
            ],
          ],
        ),
      );
      if (started && started.errors.length > 0) output.out(`\nerrors: ${started.errors.join('; ')}`);
    });

  processes
    .command('list')
    .description('list instances, newest first')
    .option('--definition <id>', 'only instances of this process definition')
    .option('--status <status>', 'RUNNING, WAITING, COMPLETED, ERROR or CANCELLED')
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', 'items per page (max 100)', '20')
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const { context, api } = client(command);
      const response = await api.getProcessInstanceList({
        pageNumber: parsePositive(options.page, '--page'),
        pageSize: parsePositive(options.pageSize, '--page-size'),
        status: options.status?.toUpperCase() ?? '',
        ...(options.definition !== undefined && { processDefinitionId: parseId(options.definition) }),
      });
      if (context.json) return printJson(context, GetProcessInstanceListResponseSchema, response);
      output.out(instanceTable(response.data?.items ?? []));
      output.out(`${response.data?.totalCount ?? 0} in all`);
    });

  processes
    .command('show <instance-id>')
    .description('one instance with its waiting tasks and history')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { context, api } = client(command);
      const response = await api.getProcessInstanceById({ id: parseId(id) });
      printInstance(context, GetProcessInstanceByIdResponseSchema, response);
    });

  withVariables(processes.command('signal <instance-id>').description('complete a waiting task of an instance'))
    .option('--task <id>', 'the waiting task (may be left out when only one waits)')
    .action(async (id: string, options: Record<string, string | undefined>, command: Command) => {
      const { context, api } = client(command);
      const response = await api.signalProcessInstance({
        instanceId: parseId(id),
        taskId: options.task ?? '',
        variables: await variablesOf(options),
      });
      printInstance(context, SignalProcessInstanceResponseSchema, response);
    });

  withVariables(
    processes
      .command('correlate <definition-id>')
      .description('deliver a message to the instance waiting for it under a correlation key'),
  )
    .requiredOption('--message <name>', "the BPMN message's name")
    .requiredOption('--key <value>', 'the correlation key the instance waits with')
    .action(async (id: string, options: Record<string, string | undefined>, command: Command) => {
      const { context, api } = client(command);
      const response = await api.correlateProcessMessage({
        processDefinitionId: parseId(id),
        messageName: options.message ?? '',
        correlationKey: options.key ?? '',
        variables: await variablesOf(options),
      });
      printInstance(context, CorrelateProcessMessageResponseSchema, response);
    });

  processes
    .command('cancel <instance-id>')
    .description('stop an instance for good')
    .option('--reason <text>', 'why, kept with the instance')
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      const { context, api } = client(command);
      const response = await api.cancelProcessInstance({ instanceId: parseId(id), reason: options.reason ?? '' });
      printInstance(context, CancelProcessInstanceResponseSchema, response);
    });
  return processes;
}

/** An answer that carries one instance: protobuf JSON with --json, else the instance in detail. */
function printInstance<S extends DescMessage>(
  context: CliContext,
  schema: S,
  response: MessageShape<S> & { data?: ProcessInstance | undefined },
): void {
  if (context.json) printJson(context, schema, response);
  else if (response.data) context.output.out(instanceDetail(response.data));
}

function withVariables(command: Command): Command {
  return command
    .option('--variables <json>', 'process variables as a JSON object')
    .option('--file <path>', 'process variables from a JSON or YAML file ("-" for stdin)');
}

async function variablesOf(options: Record<string, string | undefined>): Promise<JsonObject> {
  if (options.variables !== undefined && options.file !== undefined) throw new UsageError('Give --variables or --file, not both');
  if (options.file !== undefined) return readInputFile(options.file);
  if (options.variables === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(options.variables);
  } catch {
    throw new UsageError('--variables must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError('--variables must be a JSON object');
  return value as JsonObject;
}

async function readBpmn(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function instanceTable(instances: readonly ProcessInstance[]): string {
  return formatTable(
    ['id', 'definition', 'status', 'current task', 'started', 'updated'],
    instances.map((instance) => [
      String(instance.id),
      String(instance.processDefinitionId),
      instance.status,
      instance.currentTaskName || instance.currentTaskId,
      formatTimestamp(instance.startedAt),
      formatTimestamp(instance.updatedAt),
    ]),
  );
}

function instanceDetail(instance: ProcessInstance): string {
  const lines = [instanceTable([instance])];
  if (instance.waitingTasks.length > 0)
    lines.push(
      `\nwaiting\n${formatTable(
        ['task', 'name', 'type'],
        instance.waitingTasks.map((task) => [task.id, task.name, task.type]),
      )}`,
    );
  if (instance.history.length > 0)
    lines.push(
      `\nhistory\n${formatTable(
        ['activity', 'name', 'type', 'started', 'ended', 'outcome'],
        instance.history.map((a) => [a.id, a.name, a.type, formatTimestamp(a.startedAt), formatTimestamp(a.endedAt), a.outcome]),
      )}`,
    );
  lines.push(`\nvariables: ${JSON.stringify(instance.variables ?? {})}`);
  if (instance.errors.length > 0) lines.push(`errors: ${instance.errors.join('; ')}`);
  return lines.join('\n');
}

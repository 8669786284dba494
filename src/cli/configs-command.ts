import { fromJson, type JsonObject } from '@bufbuild/protobuf';
import { Command, Option } from 'commander';
import type { WebHookConfig } from '../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import {
  ActivateWebHookConfigResponseSchema,
  CreateWebHookConfigCommandSchema,
  CreateWebHookConfigResponseSchema,
  DeactivateWebHookConfigResponseSchema,
  PauseWebHookDeliveryResponseSchema,
  ResumeWebHookDeliveryResponseSchema,
  DeleteWebHookConfigResponseSchema,
  GetWebHookConfigByIdResponseSchema,
  GetWebHookConfigListResponseSchema,
  UpdateWebHookConfigCommandSchema,
  UpdateWebHookConfigResponseSchema,
  WebHookConfigService,
} from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { executionTypeName } from '../domain/execution-target.js';
import { executionTypeList } from '../domain/proto-lists.js';
import { cliContext, printJson } from './cli-context.js';
import { UsageError } from './exit-codes.js';
import { createManagementClient } from './management-client.js';
import { formatTimestamp, parseId, parsePositive } from './parse-arguments.js';
import { formatTable, type Output } from './output.js';
import { readInputFile } from './read-input-file.js';
import { rotateSecretCommand } from './rotate-secret-command.js';

/** The execution types as `--type` takes them: a number or its name. */
const typeChoices = executionTypeList.map(({ name, code }) => `${code} or ${name}`).join(', ');

/** `configs list|show|create|update|activate|deactivate|pause|resume|rotate-secret|delete`: webhook configurations of a running server. */
export function configsCommand(output: Output): Command {
  const configs = new Command('configs').description('manage webhook configurations');
  const client = (command: Command) => {
    const context = cliContext(command, output);
    return { context, api: createManagementClient(WebHookConfigService, context) };
  };

  configs
    .command('list')
    .description('list configurations, oldest first (by id)')
    .option('--search <text>', 'in key, description and path')
    .addOption(new Option('--enabled <bool>', 'only enabled (true) or disabled (false) ones').choices(['true', 'false']))
    .option('--type <type>', `execution type: ${typeChoices}`)
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', 'items per page (max 100)', '20')
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const { context, api } = client(command);
      const response = await api.getWebHookConfigList({
        pageNumber: parsePositive(options.page, '--page'),
        pageSize: parsePositive(options.pageSize, '--page-size'),
        searchText: options.search ?? '',
        ...(options.enabled !== undefined && { isEnabled: options.enabled === 'true' }),
        ...(options.type !== undefined && { executionType: executionType(options.type) }),
      });
      if (context.json) return printJson(context, GetWebHookConfigListResponseSchema, response);
      const page = response.data;
      output.out(configTable(page?.items ?? []));
      output.out(
        `page ${page?.pageNumber ?? 1} of ${Math.max(1, Math.ceil((page?.totalCount ?? 0) / (page?.pageSize || 1)))}, ${page?.totalCount ?? 0} in all`,
      );
    });

  configs
    .command('show <id>')
    .alias('get')
    .description('one configuration (events show and processes show name their one item the same way)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { context, api } = client(command);
      const response = await api.getWebHookConfigById({ id: parseId(id) });
      if (context.json) return printJson(context, GetWebHookConfigByIdResponseSchema, response);
      output.out(configDetails(response.data));
    });

  withConfigFields(
    configs
      .command('create')
      .description('create a configuration from flags and/or a JSON/YAML file')
      .option('--key <key>', 'unique key'),
  ).action(async (options: Record<string, string | boolean | undefined>, command: Command) => {
    const { context, api } = client(command);
    const fields = await configFields(options);
    const request = parse(() => fromJson(CreateWebHookConfigCommandSchema, fields));
    const response = await api.createWebHookConfig(request);
    if (context.json) return printJson(context, CreateWebHookConfigResponseSchema, response);
    output.out(`${response.message}: id ${response.data?.id}, key ${response.data?.key}`);
  });

  withConfigFields(
    configs.command('update <id>').description('change a configuration (fields not given stay as they are)'),
  ).action(async (id: string, options: Record<string, string | boolean | undefined>, command: Command) => {
    const { context, api } = client(command);
    const fields = { ...(await configFields(options)), id: String(parseId(id)) };
    const request = parse(() => fromJson(UpdateWebHookConfigCommandSchema, fields));
    const response = await api.updateWebHookConfig(request);
    if (context.json) return printJson(context, UpdateWebHookConfigResponseSchema, response);
    output.out(`${response.message}: id ${response.data?.id}, version ${response.data?.version}`);
  });

  const idCommands = [
    ['activate', 'enable a configuration', (api, id) => api.activateWebHookConfig({ id }), ActivateWebHookConfigResponseSchema],
    [
      'deactivate',
      'disable a configuration',
      (api, id) => api.deactivateWebHookConfig({ id }),
      DeactivateWebHookConfigResponseSchema,
    ],
    [
      'pause',
      'pause delivery: webhooks are still accepted and stored, none runs until resumed',
      (api, id) => api.pauseWebHookDelivery({ id }),
      PauseWebHookDeliveryResponseSchema,
    ],
    [
      'resume',
      'resume a paused delivery: waiting events run in the order they were due',
      (api, id) => api.resumeWebHookDelivery({ id }),
      ResumeWebHookDeliveryResponseSchema,
    ],
    [
      'delete',
      'delete a configuration (its key may be reused)',
      (api, id) => api.deleteWebHookConfig({ id }),
      DeleteWebHookConfigResponseSchema,
    ],
  ] as const satisfies readonly [
    string,
    string,
    (api: ReturnType<typeof client>['api'], id: bigint) => Promise<unknown>,
    unknown,
  ][];
  for (const [name, description, call, schema] of idCommands) {
    configs
      .command(`${name} <id>`)
      .description(description)
      .action(async (id: string, _options: unknown, command: Command) => {
        const { context, api } = client(command);
        const response = await call(api, parseId(id));
        if (context.json) return printJson(context, schema as typeof ActivateWebHookConfigResponseSchema, response as never);
        output.out(`${(response as { message: string }).message}: id ${id}`);
      });
  }
  configs.addCommand(rotateSecretCommand(output));
  return configs;
}

function withConfigFields(command: Command): Command {
  return command
    .option('-f, --file <path>', 'a JSON or YAML object with the fields (flags win over it; "-" reads stdin)')
    .option('--description <text>')
    .option('--path <path>', 'below /api/webhook/')
    .option('--action <method>', 'GET, POST, PUT, PATCH or DELETE')
    .option('--type <type>', `execution type: ${typeChoices}`)
    .option('--command <name>', 'commandName (type 0)')
    .option('--code <js>', 'executionCode (type 2)')
    .option('--process-definition-id <id>', 'processDefinitionId (type 3)')
    .option('--allowable-ips <list>', 'comma-separated addresses and CIDR ranges')
    .addOption(new Option('--response-mode <mode>').choices(['sync', 'async']))
    .option('--timeout-ms <ms>')
    .option('--max-attempts <n>')
    .option('--enabled', 'isEnabled: true')
    .option('--disabled', 'isEnabled: false');
}

/** The request's JSON fields: the file's, then the flags given. */
async function configFields(options: Record<string, string | boolean | undefined>): Promise<JsonObject> {
  const file = typeof options.file === 'string' ? await readInputFile(options.file) : {};
  const text = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
  const flags: Record<string, string | number | boolean | undefined> = {
    key: text('key'),
    description: text('description'),
    path: text('path'),
    action: text('action'),
    executionType: text('type') === undefined ? undefined : executionType(text('type')!),
    commandName: text('command'),
    executionCode: text('code'),
    processDefinitionId: text('processDefinitionId'),
    allowableIPs: text('allowableIps'),
    responseMode: text('responseMode'),
    timeoutMs: text('timeoutMs') === undefined ? undefined : parsePositive(text('timeoutMs'), '--timeout-ms'),
    maxAttempts: text('maxAttempts') === undefined ? undefined : parsePositive(text('maxAttempts'), '--max-attempts'),
    isEnabled: options.enabled ? true : options.disabled ? false : undefined,
  };
  const given = Object.entries(flags).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined);
  return { ...file, ...Object.fromEntries(given) };
}

function parse<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function executionType(value: string): number {
  const type = executionTypeList.find(({ name, code }) => (/^\d$/.test(value) ? String(code) === value : name === value));
  if (!type) throw new UsageError(`Unknown execution type ${value}: use ${typeChoices}`);
  return type.code;
}

function configTable(items: readonly WebHookConfig[]): string {
  return formatTable(
    ['id', 'key', 'enabled', 'action', 'path', 'type', 'mode', 'version', 'updated'],
    items.map((item) => [
      String(item.id),
      item.key,
      item.isEnabled ? 'yes' : 'no',
      item.action,
      item.path,
      executionTypeName(item.executionType) ?? String(item.executionType),
      item.responseMode || 'sync',
      String(item.version),
      formatTimestamp(item.updatedAt),
    ]),
  );
}

function configDetails(config: WebHookConfig | undefined): string {
  if (!config) return '';
  const target =
    config.commandName ||
    (config.commandChain.length > 0 ? config.commandChain.map((step) => step.commandName).join(' -> ') : '');
  const rows: [string, string][] = [
    ['id', String(config.id)],
    ['key', config.key],
    ['description', config.description],
    ['enabled', config.isEnabled ? 'yes' : 'no'],
    ['route', `${config.action} /api/webhook/${config.path}`],
    ['execution', `${executionTypeName(config.executionType) ?? config.executionType}${target ? ` (${target})` : ''}`],
    ['response mode', config.responseMode || 'sync'],
    ['allowable IPs', config.allowableIps || 'any'],
    ['verification', config.verification?.scheme || 'none'],
    [
      'delivery',
      config.deliveryPausedAt
        ? `paused since ${formatTimestamp(config.deliveryPausedAt)}, ${config.waitingEvents ?? 0n} events waiting`
        : 'running',
    ],
    ['version', String(config.version)],
    ['created', formatTimestamp(config.createdAt)],
    ['updated', formatTimestamp(config.updatedAt)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}

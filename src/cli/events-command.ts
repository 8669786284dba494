import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { Command } from 'commander';
import type { WebhookEvent } from '../../gen/bpm/webhooks/v1/webhook_event_pb.js';
import {
  GetWebhookEventByIdResponseSchema,
  GetWebhookEventListResponseSchema,
  WebhookEventService,
  type GetWebhookEventListQuery,
} from '../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { GetWebhookEventListQuerySchema } from '../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { eventStatuses } from '../domain/proto-lists.js';
import { providerNames } from '../providers/providers.js';
import { cliContext, printJson } from './cli-context.js';
import { exitCodeOf, exitCodes, UsageError } from './exit-codes.js';
import { createManagementClient } from './management-client.js';
import { formatTimestamp, parseId, parsePositive } from './parse-arguments.js';
import { formatTable, type Output } from './output.js';

/** The filter fields of a list query (everything but paging). */
type Filter = Pick<GetWebhookEventListQuery, 'status' | 'key' | 'source'> &
  Partial<Pick<GetWebhookEventListQuery, 'configId' | 'receivedFrom' | 'receivedTo'>>;

/** `events list|show|replay`: the inbox of a running server. */
export function eventsCommand(output: Output): Command {
  const events = new Command('events').description('inspect and replay webhook events');
  const client = (command: Command) => {
    const context = cliContext(command, output);
    return { context, api: createManagementClient(WebhookEventService, context) };
  };

  withFilter(events.command('list').description('list events, newest first'))
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', 'items per page (max 100)', '20')
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const { context, api } = client(command);
      const response = await api.getWebhookEventList({
        ...filterOf(options),
        pageNumber: parsePositive(options.page, '--page'),
        pageSize: parsePositive(options.pageSize, '--page-size'),
      });
      if (context.json) return printJson(context, GetWebhookEventListResponseSchema, response);
      output.out(eventTable(response.data?.items ?? []));
      output.out(`${response.data?.totalCount ?? 0} in all`);
      if (!response.data?.totalCount && options.key && !options.source && sources.includes(options.key))
        output.err(`"${options.key}" is a source, not a configuration key: try --source ${options.key}\n`);
    });

  events
    .command('show <id>')
    .description('one event with its trace and attempts')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { context, api } = client(command);
      const response = await api.getWebhookEventById({ id: parseId(id) });
      if (context.json) return printJson(context, GetWebhookEventByIdResponseSchema, response);
      const event = response.data;
      if (!event) return;
      output.out(eventTable([event]));
      output.out(
        `\nattempts\n${formatTable(
          ['attempt', 'outcome', 'started', 'ms', 'errors'],
          event.attempts.map((a) => [
            String(a.attempt),
            a.outcome,
            formatTimestamp(a.startedAt),
            a.durationMs.toFixed(1),
            a.errors.join('; '),
          ]),
        )}`,
      );
      if (event.errors.length > 0) output.out(`\nerrors: ${event.errors.join('; ')}`);
    });

  withFilter(
    events.command('replay [ids...]').description('replay events by id, or every event a filter matches (default status dead)'),
  )
    .option('--limit <n>', 'at most this many events when filtering', '100')
    .action(async (ids: string[], options: Record<string, string | undefined>, command: Command) => {
      const { context, api } = client(command);
      if (ids.length === 0 && !hasFilter(options))
        throw new UsageError('Give event ids, or a filter (--status, --key, --config-id, --source, --from, --to)');
      const targets =
        ids.length > 0
          ? ids.map(parseId)
          : await matching(api, { status: 'dead', ...filterOf(options) }, parsePositive(options.limit, '--limit'));
      const replayed: string[] = [];
      const failed: { id: string; error: string; exitCode: number }[] = [];
      for (const id of targets) {
        try {
          await api.replayWebhookEvent({ id });
          replayed.push(String(id));
        } catch (error) {
          failed.push({
            id: String(id),
            error: error instanceof Error ? error.message : String(error),
            exitCode: exitCodeOf(error),
          });
        }
        if (!context.json)
          output.err(`\rreplaying ${replayed.length + failed.length}/${targets.length} (${failed.length} failed)`);
      }
      if (!context.json && targets.length > 0) output.err('\n');
      if (context.json) output.out(JSON.stringify({ replayed, failed: failed.map(({ id, error }) => ({ id, error })) }, null, 2));
      else {
        output.out(`replayed ${replayed.length} of ${targets.length} event(s)`);
        for (const failure of failed) output.out(`  ${failure.id}: ${failure.error}`);
      }
      if (failed.length > 0) process.exitCode = Math.max(...failed.map((failure) => failure.exitCode), exitCodes.refused);
    });
  return events;
}

/** The values of `--source`: the router and every fixed endpoint. */
const sources: readonly string[] = ['router', ...providerNames];

function withFilter(command: Command): Command {
  return command
    .option('--status <status>', eventStatuses.join(', '))
    .option('--key <key>', "the key of the configuration that ran them (a provider's reserved key, e.g. mono-callback)")
    .option('--config-id <id>')
    .option('--source <source>', `where they came in: ${sources.join(', ')}`)
    .option('--from <time>', 'received at or after (ISO 8601)')
    .option('--to <time>', 'received before (ISO 8601)');
}

const filterKeys = ['status', 'key', 'configId', 'source', 'from', 'to'];
const hasFilter = (options: Record<string, string | undefined>) => filterKeys.some((key) => options[key] !== undefined);

function filterOf(options: Record<string, string | undefined>): Partial<Filter> {
  return {
    ...(options.status && { status: options.status }),
    ...(options.key && { key: options.key }),
    ...(options.source && { source: options.source }),
    ...(options.configId && { configId: parseId(options.configId) }),
    ...(options.from && { receivedFrom: time(options.from, '--from') }),
    ...(options.to && { receivedTo: time(options.to, '--to') }),
  };
}

/** The ids of up to `limit` events matching the filter, newest first, read page by page. */
async function matching(
  api: {
    getWebhookEventList(
      query: MessageInitShape<typeof GetWebhookEventListQuerySchema>,
    ): Promise<{ data?: { items: WebhookEvent[]; totalCount: number } }>;
  },
  filter: Partial<Filter>,
  limit: number,
): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (let pageNumber = 1; ids.length < limit; pageNumber += 1) {
    const page = (await api.getWebhookEventList({ ...filter, pageNumber, pageSize: 100 })).data;
    ids.push(...(page?.items ?? []).map((item) => item.id));
    if (!page || page.items.length < 100) break;
  }
  return ids.slice(0, limit);
}

function time(value: string, flag: string): Timestamp {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new UsageError(`${flag} must be a date and time in ISO 8601`);
  return timestampFromDate(parsed);
}

function eventTable(items: readonly WebhookEvent[]): string {
  return formatTable(
    ['id', 'key', 'source', 'status', 'attempts', 'received', 'request id'],
    items.map((item) => [
      String(item.id),
      item.key,
      item.source,
      item.status,
      `${item.attemptCount}/${item.maxAttempts}`,
      formatTimestamp(item.receivedAt),
      item.requestId,
    ]),
  );
}

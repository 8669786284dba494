import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, ValueSchema } from '@bufbuild/protobuf/wkt';
import {
  GetAuditLogQuerySchema,
  GetAuditLogResponseSchema,
  type GetAuditLogQuery,
} from '../../../gen/bpm/webhooks/v1/audit_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { listAuditEntries, type AuditEntry, type AuditFilter } from '../../store/audit-log.js';
import { defineCommand } from '../command.js';
import { parsePage, type Page } from '../paging.js';

const maxFilterLength = 200;

/** One page of the audit log, newest first, filtered by entity (type and id), actor and time range. */
export const getAuditLog = defineCommand({
  name: GetAuditLogQuerySchema.name,
  input: GetAuditLogQuerySchema,
  output: GetAuditLogResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Audit log retrieved successfully',
  runnableFromWebhook: false,
  description: 'Lists recorded writes, newest first, by entity type and id, actor and time range',
  async handle(input, ctx) {
    const { page, filter } = validate(input);
    const found = await listAuditEntries(ctx.db, filter, page);
    const { pageNumber, pageSize } = page;
    return { data: { items: found.items.map(toAuditEntryMessage), totalCount: found.totalCount, pageNumber, pageSize } };
  },
});

function validate(input: GetAuditLogQuery): { page: Page; filter: AuditFilter } {
  const { page, problems: pageProblems } = parsePage(input);
  const since = input.since && timestampDate(input.since);
  const until = input.until && timestampDate(input.until);
  const problems = [
    ...pageProblems,
    ...(input.entityType.length > maxFilterLength ? [`Entity type must be at most ${maxFilterLength} characters`] : []),
    ...(input.entityId.length > maxFilterLength ? [`Entity id must be at most ${maxFilterLength} characters`] : []),
    ...(input.actor.length > maxFilterLength ? [`Actor must be at most ${maxFilterLength} characters`] : []),
    ...(since && until && since >= until ? ['"since" must be before "until"'] : []),
  ];
  if (problems.length > 0) throw invalidArgument('Validation failed', problems);
  const filter: AuditFilter = {
    ...(input.entityType.trim() && { entityType: input.entityType.trim() }),
    ...(input.entityId.trim() && { entityId: input.entityId.trim() }),
    ...(input.actor.trim() && { actor: input.actor.trim() }),
    ...(since && { since }),
    ...(until && { until }),
  };
  return { page, filter };
}

function toAuditEntryMessage(entry: AuditEntry) {
  return {
    id: BigInt(entry.id),
    actor: entry.actor,
    command: entry.command,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: fromJson(ValueSchema, entry.before as JsonValue),
    after: fromJson(ValueSchema, entry.after as JsonValue),
    occurredAt: timestampFromDate(entry.occurredAt),
    requestId: entry.requestId,
  };
}

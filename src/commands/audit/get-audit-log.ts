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

const maxPageSize = 100;
const maxFilterLength = 200;

/** One page of the audit log, newest first, filtered by entity, actor and time range. */
export const getAuditLog = defineCommand({
  name: GetAuditLogQuerySchema.name,
  input: GetAuditLogQuerySchema,
  output: GetAuditLogResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Audit log retrieved successfully',
  runnableFromWebhook: false,
  async handle(input, ctx) {
    const { pageNumber, pageSize, filter } = validate(input);
    const page = await listAuditEntries(ctx.db, filter, { offset: (pageNumber - 1) * pageSize, limit: pageSize });
    return { data: { items: page.items.map(toAuditEntryMessage), totalCount: page.totalCount, pageNumber, pageSize } };
  },
});

function validate(input: GetAuditLogQuery): { pageNumber: number; pageSize: number; filter: AuditFilter } {
  const pageNumber = input.pageNumber ?? 1;
  const pageSize = input.pageSize ?? 10;
  const since = input.since && timestampDate(input.since);
  const until = input.until && timestampDate(input.until);
  const problems = [
    ...(pageNumber < 1 ? ['Page number must be at least 1'] : []),
    ...(pageSize < 1 || pageSize > maxPageSize ? [`Page size must be between 1 and ${maxPageSize}`] : []),
    ...(input.entityId.length > maxFilterLength ? [`Entity id must be at most ${maxFilterLength} characters`] : []),
    ...(input.actor.length > maxFilterLength ? [`Actor must be at most ${maxFilterLength} characters`] : []),
    ...(since && until && since >= until ? ['"since" must be before "until"'] : []),
  ];
  if (problems.length > 0) throw invalidArgument('Validation failed', problems);
  const filter: AuditFilter = {
    ...(input.entityId.trim() && { entityId: input.entityId.trim() }),
    ...(input.actor.trim() && { actor: input.actor.trim() }),
    ...(since && { since }),
    ...(until && { until }),
  };
  return { pageNumber, pageSize, filter };
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

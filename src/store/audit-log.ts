import type { JsonValue } from '@bufbuild/protobuf';
import { escapeStoredText, fromJsonbColumn, toJsonbParam, unescapeStoredText } from './jsonb-safe.js';
import type { Db } from './open-database.js';

const table = 'audit_log';

/** One recorded write. */
export interface AuditEntry {
  readonly id: number;
  readonly occurredAt: Date;
  readonly actor: string;
  readonly command: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly before: JsonValue | null;
  readonly after: JsonValue | null;
  readonly requestId: string;
}

export interface AuditFilter {
  readonly entityType?: string;
  readonly entityId?: string;
  readonly actor?: string;
  /** Inclusive. */
  readonly since?: Date;
  /** Exclusive. */
  readonly until?: Date;
}

interface AuditRow {
  id: string | number;
  occurred_at: Date;
  actor: string;
  command: string;
  entity_type: string;
  entity_id: string;
  before: JsonValue | null;
  after: JsonValue | null;
  request_id: string;
}

export async function insertAuditEntry(db: Db, entry: Omit<AuditEntry, 'id'>): Promise<void> {
  await db(table).insert({
    occurred_at: entry.occurredAt,
    actor: entry.actor,
    command: entry.command,
    entity_type: entry.entityType,
    entity_id: escapeStoredText(entry.entityId),
    before: toJsonbParam(entry.before),
    after: toJsonbParam(entry.after),
    request_id: entry.requestId,
  });
}

/** One page of entries matching the filter, newest first, with the total that matches. */
export async function listAuditEntries(
  db: Db,
  filter: AuditFilter,
  page: { offset: number; limit: number },
): Promise<{ items: AuditEntry[]; totalCount: number }> {
  const query = db<AuditRow>(table).modify((q) => {
    if (filter.entityType) q.where({ entity_type: filter.entityType });
    if (filter.entityId) q.where({ entity_id: escapeStoredText(filter.entityId) });
    if (filter.actor) q.where({ actor: filter.actor });
    if (filter.since) q.where('occurred_at', '>=', filter.since);
    if (filter.until) q.where('occurred_at', '<', filter.until);
  });
  const [counted] = await query.clone().count<{ count: string | number }[]>({ count: '*' });
  const rows = await query.orderBy('id', 'desc').offset(page.offset).limit(page.limit);
  return { items: rows.map(toAuditEntry), totalCount: Number(counted?.count ?? 0) };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    occurredAt: new Date(row.occurred_at),
    actor: row.actor,
    command: row.command,
    entityType: row.entity_type,
    entityId: unescapeStoredText(row.entity_id),
    before: fromJsonbColumn(row.before),
    after: fromJsonbColumn(row.after),
    requestId: row.request_id,
  };
}

import type { JsonObject } from '@bufbuild/protobuf';
import type { Db } from './open-database.js';

export const notificationConditionKinds = ['dead', 'failure_ratio', 'silent'] as const;
export type NotificationConditionKind = (typeof notificationConditionKinds)[number];

/** An open condition: one per configuration and kind, shared by every process on the database. */
export interface NotificationCondition {
  readonly configKey: string;
  readonly condition: NotificationConditionKind;
  readonly configId: number | null;
  readonly openedAt: Date;
  readonly notifiedAt: Date | null;
  readonly occurrences: number;
  readonly detail: JsonObject;
}

interface ConditionRow {
  config_key: string;
  condition: NotificationConditionKind;
  config_id: string | number | null;
  opened_at: Date | string;
  notified_at: Date | string | null;
  occurrences: number;
  detail: JsonObject;
}

const table = 'notification_conditions';
type ConditionId = Pick<NotificationCondition, 'configKey' | 'condition'>;
const byId = (id: ConditionId) => ({ config_key: id.configKey, condition: id.condition });

/**
 * Opens a condition, or counts one more occurrence of an open one. True only for the caller whose
 * statement made the row (`xmax = 0`: the row version was inserted, not updated), so of several
 * processes seeing the same condition at once exactly one learns that it is new.
 */
export async function openCondition(
  db: Db,
  condition: Omit<NotificationCondition, 'notifiedAt' | 'occurrences'>,
): Promise<boolean> {
  const { rows } = await db.raw<{ rows: { opened: boolean }[] }>(
    `INSERT INTO ${table} (config_key, condition, config_id, opened_at, detail) VALUES (?, ?, ?, ?, ?::jsonb)
     ON CONFLICT (config_key, condition) DO UPDATE SET occurrences = ${table}.occurrences + 1
     RETURNING (xmax = 0) AS opened`,
    [condition.configKey, condition.condition, condition.configId, condition.openedAt, JSON.stringify(condition.detail)],
  );
  return rows[0]?.opened === true;
}

/** Takes an open condition's message to send: the caller that sets notified_at from null sends it. */
export async function takeUnsentCondition(db: Db, id: ConditionId, now: Date): Promise<NotificationCondition | undefined> {
  const [row] = (await db(table)
    .where(byId(id))
    .whereNull('notified_at')
    .update({ notified_at: now })
    .returning('*')) as ConditionRow[];
  return row && toCondition(row);
}

/** Gives back a message whose send failed, for the next check to take again. */
export async function releaseUnsentCondition(db: Db, id: ConditionId): Promise<void> {
  await db(table).where(byId(id)).update({ notified_at: null });
}

/** Removes a condition that cleared; the caller whose statement removed it announces that (when it was announced). */
export async function closeCondition(db: Db, id: ConditionId): Promise<NotificationCondition | undefined> {
  const [row] = (await db(table).where(byId(id)).delete().returning('*')) as ConditionRow[];
  return row && toCondition(row);
}

/** Every open condition, oldest first. */
export async function listOpenConditions(db: Db): Promise<NotificationCondition[]> {
  const rows = (await db(table).orderBy('opened_at')) as ConditionRow[];
  return rows.map(toCondition);
}

function toCondition(row: ConditionRow): NotificationCondition {
  return {
    configKey: row.config_key,
    condition: row.condition,
    configId: row.config_id === null ? null : Number(row.config_id),
    openedAt: new Date(row.opened_at),
    notifiedAt: row.notified_at === null ? null : new Date(row.notified_at),
    occurrences: row.occurrences,
    detail: row.detail,
  };
}

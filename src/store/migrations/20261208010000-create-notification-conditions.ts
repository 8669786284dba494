import type { Knex } from 'knex';

/**
 * The failure conditions NOTIFY_WEBHOOK_URL was (or is about to be) told of: one row per condition
 * and configuration while it lasts. The primary key is what keeps several service processes on one
 * database to one message per condition: only the process whose INSERT made the row announces it,
 * and only the one whose DELETE removed it announces that it cleared.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE notification_conditions (
      config_key text NOT NULL,
      condition text NOT NULL,
      config_id bigint NULL,
      opened_at timestamptz NOT NULL,
      notified_at timestamptz NULL,
      occurrences integer NOT NULL DEFAULT 1,
      detail jsonb NOT NULL,
      PRIMARY KEY (config_key, condition)
    )`);
  await db.raw(`COMMENT ON COLUMN notification_conditions.condition IS 'dead, failure_ratio or silent'`);
  await db.raw(
    `COMMENT ON COLUMN notification_conditions.notified_at IS 'when a process took the message to send; null: not sent yet (or its send failed)'`,
  );
  await db.raw(
    `COMMENT ON COLUMN notification_conditions.occurrences IS 'how often the condition was seen while open (e.g. events gone dead)'`,
  );
  await db.raw(
    `COMMENT ON COLUMN notification_conditions.detail IS 'counts and event ids for the message; never bodies or secrets'`,
  );
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE notification_conditions');
}

import type { JsonValue } from '@bufbuild/protobuf';
import type { Knex } from 'knex';
import type { AttemptOutcome, EventAttempt } from '../domain/webhook-event.js';
import { fromJsonbColumn, toJsonbParam } from './jsonb-safe.js';
import type { Db } from './open-database.js';

const table = 'webhook_event_attempts';
/** What an attempt still marked running is noted with once a later attempt of its event starts. */
export const interruptedErrors = ['The attempt was cut off before it finished'];

interface EventAttemptRow {
  id: string | number;
  event_id: string | number;
  attempt: number;
  worker: string;
  config_version: number | null;
  started_at: Date | string;
  finished_at: Date | string | null;
  duration_ms: number | null;
  outcome: AttemptOutcome;
  errors: string[] | null;
  logs: JsonValue | null;
  steps: JsonValue | null;
}

/** How an attempt ended. */
export interface AttemptFinish {
  readonly outcome: Exclude<AttemptOutcome, 'running'>;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly errors: readonly string[] | null;
  readonly logs: JsonValue | null;
  readonly steps: JsonValue | null;
}

/** Records how an attempt ended: awaited alone, or run in one statement with the event's settlement. */
export function finishEventAttempt(db: Db, id: number, finish: AttemptFinish): Knex.QueryBuilder {
  return db(table)
    .where({ id })
    .update({
      outcome: finish.outcome,
      finished_at: finish.finishedAt,
      duration_ms: finish.durationMs,
      errors: toJsonbParam(finish.errors),
      logs: toJsonbParam(finish.logs),
      steps: toJsonbParam(finish.steps),
    });
}

export async function listEventAttempts(db: Db, eventId: number): Promise<EventAttempt[]> {
  const rows = await db<EventAttemptRow>(table).where({ event_id: eventId }).orderBy('attempt');
  return rows.map((row) => ({
    id: Number(row.id),
    eventId: Number(row.event_id),
    attempt: row.attempt,
    worker: row.worker,
    configVersion: row.config_version,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    durationMs: row.duration_ms,
    outcome: row.outcome,
    errors: fromJsonbColumn(row.errors),
    logs: fromJsonbColumn(row.logs),
    steps: fromJsonbColumn(row.steps),
  }));
}

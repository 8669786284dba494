import type { Db } from './open-database.js';

const table = 'refused_requests';

/** What an operator sees of a configuration's refused (401/403) requests. */
export interface RefusedRequests {
  readonly total: number;
  /** Refused requests over the rate bound: counted here, not stored as events. */
  readonly notStored: number;
  readonly lastAt: Date;
}

interface RefusedRequestsRow {
  config_id: string | number;
  refused_total: string | number;
  not_stored_total: string | number;
  last_refused_at: Date | string;
}

/** Whom refused requests are counted for: a configuration (the router), or a provider of the fixed endpoints. */
export type RefusalScope = { readonly configId: number } | { readonly source: string };

/**
 * Counts one refused request for its scope and says whether it may be stored as an event: at most
 * `storedPerMinute` per configuration (or provider) per minute of `at`, whichever process asks. One upsert,
 * so the row lock decides between processes; a minute only moves forward, so a process whose clock
 * lags counts against the newer minute instead of reopening an old one. The SET expressions read the
 * row as it was before this request.
 */
export async function countRefusedRequest(
  db: Db,
  refused: { scope: RefusalScope; at: Date; storedPerMinute: number },
): Promise<boolean> {
  const { scope } = refused;
  // Router rows are unique per configuration; a provider's single row has no configuration.
  const conflict = 'configId' in scope ? '(config_id)' : '(source) WHERE config_id IS NULL';
  const minute = new Date(Math.floor(refused.at.getTime() / 60_000) * 60_000);
  const limit = refused.storedPerMinute;
  const storedBefore = 'CASE WHEN excluded.window_start > r.window_start THEN 0 ELSE r.window_stored END';
  const { rows } = await db.raw<{ rows: { last_stored: boolean }[] }>(
    `INSERT INTO ${table} AS r (config_id, source, refused_total, not_stored_total, window_start, window_stored, last_stored, last_refused_at)
     VALUES (:configId, :source, 1, :firstNotStored, :minute, :firstStored, :firstMayStore, :at)
     ON CONFLICT ${conflict} DO UPDATE SET
       refused_total = r.refused_total + 1,
       not_stored_total = r.not_stored_total + CASE WHEN ${storedBefore} < :limit THEN 0 ELSE 1 END,
       window_stored = ${storedBefore} + CASE WHEN ${storedBefore} < :limit THEN 1 ELSE 0 END,
       last_stored = ${storedBefore} < :limit,
       window_start = greatest(r.window_start, excluded.window_start),
       last_refused_at = greatest(r.last_refused_at, excluded.last_refused_at)
     RETURNING last_stored`,
    {
      configId: 'configId' in scope ? scope.configId : null,
      source: 'configId' in scope ? 'router' : scope.source,
      minute,
      at: refused.at,
      limit,
      firstStored: limit > 0 ? 1 : 0,
      firstNotStored: limit > 0 ? 0 : 1,
      firstMayStore: limit > 0,
    },
  );
  return rows[0]?.last_stored === true;
}

/** A configuration's refused-request counts; undefined when none was ever refused. */
export async function findRefusedRequests(db: Db, configId: number): Promise<RefusedRequests | undefined> {
  const row = await db<RefusedRequestsRow>(table)
    .where({ config_id: configId })
    .first('refused_total', 'not_stored_total', 'last_refused_at');
  return (
    row && {
      total: Number(row.refused_total),
      notStored: Number(row.not_stored_total),
      lastAt: new Date(row.last_refused_at),
    }
  );
}

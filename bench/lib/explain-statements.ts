import type pg from 'pg';
import type { Db } from '../../src/store/open-database.js';

/**
 * Runs `work`, then EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) of every statement it sent, with the
 * bindings it sent ($1, $2 ...), on PostgreSQL: each statement with its plan's lines. ANALYZE runs
 * the statements once more. With PLAN set, every whole plan is printed too.
 */
export async function explainStatementsOf(db: Db, work: () => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  const statements: { sql: string; bindings: readonly unknown[] }[] = [];
  const record = (query: { sql: string; bindings: readonly unknown[] }) => statements.push(query);
  db.on('query', record);
  try {
    await work();
  } finally {
    db.off('query', record);
  }
  const connection = (await db.client.acquireConnection()) as pg.ClientBase;
  try {
    const explained = [];
    for (const { sql, bindings } of statements) {
      const { rows } = await connection.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, [
        ...bindings,
      ]);
      const plan = rows.map((row) => row['QUERY PLAN']);
      if (process.env.PLAN) console.log(plan.join('\n'));
      explained.push({ sql, plan });
    }
    return explained;
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/** The plan's planning and execution time, as one line. */
export const planTimes = (plan: readonly string[]) => plan.filter((line) => /Execution Time|Planning Time/.test(line)).join('; ');

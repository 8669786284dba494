import type { ProcessDefinition } from '../domain/process-definition.js';
import { escapeLike } from './escape-like.js';
import type { Db } from './open-database.js';
import { isUniqueViolation } from './unique-violation.js';

const table = 'process_definitions';
const versionUniqueIndex = 'process_definitions_name_version_unique';

/** A row as PostgreSQL returns it (pg gives int8 as strings, PGlite as numbers). */
interface ProcessDefinitionRow {
  id: string | number;
  name: string;
  version: number;
  process_id: string;
  description: string;
  bpmn_xml: string;
  deployed_at: Date;
  deployed_by: string;
}

const listColumns = ['id', 'name', 'version', 'process_id', 'description', 'deployed_at', 'deployed_by'] as const;

/**
 * Stores the next version of a name in one statement. Two deployments of one name at once race for
 * the same number; the unique index lets one win and the other takes the next number (in a
 * savepoint, so the caller's transaction survives the collision).
 */
export async function insertProcessDefinition(
  db: Db,
  fields: Omit<ProcessDefinition, 'id' | 'version'>,
): Promise<ProcessDefinition> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction(async (tx) => {
        const [row] = await tx(table)
          .insert({
            name: fields.name,
            version: tx.raw('(select coalesce(max(version), 0) + 1 from process_definitions where lower(name) = lower(?))', [
              fields.name,
            ]),
            process_id: fields.processId,
            description: fields.description,
            bpmn_xml: fields.bpmnXml,
            deployed_at: fields.deployedAt,
            deployed_by: fields.deployedBy,
          })
          .returning('*');
        return toProcessDefinition(row as ProcessDefinitionRow);
      });
    } catch (error) {
      if (attempt >= 5 || !isUniqueViolation(error, versionUniqueIndex)) throw error;
    }
  }
}

export async function findProcessDefinitionById(db: Db, id: number): Promise<ProcessDefinition | undefined> {
  const row = await db<ProcessDefinitionRow>(table).where({ id }).first();
  return row && toProcessDefinition(row);
}

/** The newest version of a name (names compare without case), as a call activity calls it. */
export async function findLatestProcessDefinitionByName(db: Db, name: string): Promise<ProcessDefinition | undefined> {
  const row = await db<ProcessDefinitionRow>(table).whereRaw('lower(name) = lower(?)', [name]).orderBy('version', 'desc').first();
  return row && toProcessDefinition(row);
}

export interface ProcessDefinitionFilter {
  readonly searchText?: string;
  readonly name?: string;
}

/** A page of definitions without their documents, newest first. */
export async function listProcessDefinitions(
  db: Db,
  filter: ProcessDefinitionFilter,
  page: { offset: number; limit: number },
): Promise<{ items: ProcessDefinition[]; totalCount: number }> {
  const query = db<ProcessDefinitionRow>(table).modify((q) => {
    if (filter.name) q.whereRaw('lower(name) = lower(?)', [filter.name]);
    if (filter.searchText) {
      const pattern = `%${escapeLike(filter.searchText)}%`;
      q.where((w) => w.whereILike('name', pattern).orWhereILike('process_id', pattern).orWhereILike('description', pattern));
    }
  });
  const [counted] = await query.clone().count<{ count: string | number }[]>({ count: '*' });
  const rows = await query.select(listColumns).orderBy('id', 'desc').offset(page.offset).limit(page.limit);
  const items = rows.map((row: Omit<ProcessDefinitionRow, 'bpmn_xml'>) => toProcessDefinition({ ...row, bpmn_xml: '' }));
  return { items, totalCount: Number(counted?.count ?? 0) };
}

function toProcessDefinition(row: ProcessDefinitionRow): ProcessDefinition {
  return {
    id: Number(row.id),
    name: row.name,
    version: row.version,
    processId: row.process_id,
    description: row.description,
    bpmnXml: row.bpmn_xml,
    deployedAt: new Date(row.deployed_at),
    deployedBy: row.deployed_by,
  };
}

import type { CorrelationKeyType, ProcessInstance, ProcessStatus } from '../domain/process-instance.js';
import type { Db } from './open-database.js';
import { fromJsonbColumn, toJsonbParam } from './jsonb-safe.js';

const table = 'process_instances';

/** A row as PostgreSQL returns it (pg gives int8 as strings, PGlite as numbers). */
interface ProcessInstanceRow {
  id: string | number;
  definition_id: string | number;
  event_id: string | number | null;
  status: ProcessStatus;
  variables: Record<string, unknown>;
  engine_state: unknown;
  waiting: ProcessInstance['waiting'];
  history: ProcessInstance['history'];
  errors: string[];
  timer_due_at: Date | string | null;
  steps: number;
  start_message: string | null;
  parent_instance_id: string | number | null;
  call_depth: number;
  trace_context?: Record<string, string> | null;
  started_at: Date | string;
  updated_at: Date | string;
  completed_at: Date | string | null;
}

/** What a save changes; the lease holder writes it. */
export interface ProcessInstanceChange {
  readonly status: ProcessStatus;
  readonly variables: Record<string, unknown>;
  readonly engineState: unknown;
  readonly waiting: ProcessInstance['waiting'];
  readonly history: ProcessInstance['history'];
  readonly errors: readonly string[];
  readonly timerDueAt: Date | null;
  readonly steps: number;
  readonly completedAt: Date | null;
}

/** A new instance, leased to its starter for `leaseMs`. */
export async function insertProcessInstance(
  db: Db,
  fields: {
    definitionId: number;
    variables: Record<string, unknown>;
    now: Date;
    owner: string;
    leaseMs: number;
    eventId?: number;
    startMessage?: string;
    /** A child started by a call activity of `parentInstanceId`. */
    parentInstanceId?: number;
    callDepth?: number;
    /** The W3C context of the traced work that starts it (see ProcessInstance.traceContext). */
    traceContext?: Readonly<Record<string, string>>;
  },
): Promise<ProcessInstance> {
  const [row] = await db(table)
    .insert({
      definition_id: fields.definitionId,
      event_id: fields.eventId ?? null,
      start_message: fields.startMessage ?? null,
      parent_instance_id: fields.parentInstanceId ?? null,
      call_depth: fields.callDepth ?? 0,
      trace_context: toJsonbParam(fields.traceContext),
      status: 'RUNNING',
      variables: toJsonbParam(fields.variables),
      lease_owner: fields.owner,
      lease_until: db.raw(`now() + make_interval(secs => ?)`, [fields.leaseMs / 1000]),
      started_at: fields.now,
      updated_at: fields.now,
    })
    .returning('*');
  return toProcessInstance(row as ProcessInstanceRow);
}

/** The instance a webhook event started, if any. */
export async function findProcessInstanceByEventId(db: Db, eventId: number): Promise<ProcessInstance | undefined> {
  const row = await db<ProcessInstanceRow>(table).where({ event_id: eventId }).first();
  return row && toProcessInstance(row);
}

export async function findProcessInstanceById(db: Db, id: number): Promise<ProcessInstance | undefined> {
  const row = await db<ProcessInstanceRow>(table).where({ id }).first();
  return row && toProcessInstance(row);
}

/**
 * Takes (or extends) the lease of one instance: only one service process advances an instance at a
 * time. Undefined when another process holds an unexpired lease. Lease times use the database clock.
 */
export async function claimProcessInstance(
  db: Db,
  id: number,
  lease: { owner: string; leaseMs: number },
): Promise<ProcessInstance | undefined> {
  const [row] = await db(table)
    .where({ id })
    .where((w) => w.whereNull('lease_until').orWhere('lease_until', '<', db.raw('now()')).orWhere('lease_owner', lease.owner))
    .update({ lease_owner: lease.owner, lease_until: db.raw('now() + make_interval(secs => ?)', [lease.leaseMs / 1000]) })
    .returning('*');
  return row && toProcessInstance(row as ProcessInstanceRow);
}

/**
 * Leases instances that need this process: waiting ones whose timer is due or whose called child
 * finished without being handed back (the process that ran it died first), and running ones whose
 * lease ran out (their process died mid-run). SKIP LOCKED keeps two pollers off the same rows.
 */
export async function claimDueProcessInstances(
  db: Db,
  lease: { owner: string; leaseMs: number; limit: number },
): Promise<ProcessInstance[]> {
  const { rows } = await db.raw<{ rows: ProcessInstanceRow[] }>(
    `update process_instances set lease_owner = ?, lease_until = now() + make_interval(secs => ?)
      where id in (
        select id from process_instances
         where (lease_until is null or lease_until < now())
           and ((status = 'WAITING' and (timer_due_at <= now() or id in (
                  select child.parent_instance_id from process_instances child
                   where child.parent_instance_id is not null and not child.returned_to_parent
                     and child.status in ('COMPLETED', 'ERROR', 'CANCELLED'))))
                or status = 'RUNNING')
         order by id limit ? for update skip locked)
      returning *`,
    [lease.owner, lease.leaseMs / 1000, lease.limit],
  );
  return rows.map(toProcessInstance);
}

/**
 * Records the W3C context of the traced work moving an instance now (a signal, a correlated
 * message), while its caller holds the lease: later advances by the poller link to it.
 */
export async function saveProcessTraceContext(
  db: Db,
  id: number,
  traceContext: Readonly<Record<string, string>>,
  owner: string,
): Promise<void> {
  await db(table)
    .where({ id, lease_owner: owner })
    .update({ trace_context: toJsonbParam(traceContext) });
}

/** Writes a change while holding the lease; false when the lease was lost. `release` lets the instance go. */
export async function saveProcessInstance(
  db: Db,
  id: number,
  change: ProcessInstanceChange,
  options: { owner: string; now: Date; release: boolean },
): Promise<boolean> {
  const count = await db(table)
    .where({ id, lease_owner: options.owner })
    .update({
      status: change.status,
      variables: toJsonbParam(change.variables),
      engine_state: toJsonbParam(change.engineState),
      waiting: toJsonbParam(change.waiting),
      history: toJsonbParam(change.history),
      errors: toJsonbParam(change.errors),
      timer_due_at: change.timerDueAt,
      steps: change.steps,
      completed_at: change.completedAt,
      updated_at: options.now,
      ...(options.release && { lease_owner: null, lease_until: null }),
    });
  return count === 1;
}

/**
 * Waiting instances of any version of a definition with a receive task or message catch event
 * waiting for `messageName` with `correlationKey`; at most `limit` (enough to tell one from several).
 * With `excludedKeyType`, an element whose key has that JSON type is not a match (instances stored
 * before key types were recorded have none, and match on the text).
 */
export async function findInstancesWaitingForMessage(
  db: Db,
  match: {
    definitionName: string;
    messageName: string;
    correlationKey: string;
    excludedKeyType?: CorrelationKeyType;
    limit: number;
  },
): Promise<ProcessInstance[]> {
  const waitingFor = { messageName: match.messageName, correlationKey: match.correlationKey };
  const rows = await db<ProcessInstanceRow>(table)
    .select(`${table}.*`)
    .join('process_definitions', 'process_definitions.id', `${table}.definition_id`)
    .whereRaw('lower(process_definitions.name) = lower(?)', [match.definitionName])
    .where(`${table}.status`, 'WAITING')
    .whereRaw(`${table}.waiting @> ?::jsonb`, [toJsonbParam([waitingFor])])
    .modify((q) => {
      if (!match.excludedKeyType) return;
      q.whereRaw(`not ${table}.waiting @> ?::jsonb`, [
        toJsonbParam([{ ...waitingFor, correlationKeyType: match.excludedKeyType }]),
      ]);
    })
    .orderBy(`${table}.id`)
    .limit(match.limit);
  return rows.map(toProcessInstance);
}

export interface ProcessInstanceFilter {
  readonly definitionId?: number;
  readonly status?: string;
  readonly startedFrom?: Date;
  readonly startedTo?: Date;
}

/** A page of instances, newest first, without their engine state. */
export async function listProcessInstances(
  db: Db,
  filter: ProcessInstanceFilter,
  page: { offset: number; limit: number },
): Promise<{ items: ProcessInstance[]; totalCount: number }> {
  const query = db<ProcessInstanceRow>(table).modify((q) => {
    if (filter.definitionId !== undefined) q.where({ definition_id: filter.definitionId });
    if (filter.status) q.where({ status: filter.status as ProcessStatus });
    if (filter.startedFrom) q.where('started_at', '>=', filter.startedFrom);
    if (filter.startedTo) q.where('started_at', '<', filter.startedTo);
  });
  const [counted] = await query.clone().count<{ count: string | number }[]>({ count: '*' });
  const columns = [
    'id',
    'definition_id',
    'status',
    'parent_instance_id',
    'variables',
    'waiting',
    'history',
    'errors',
    'timer_due_at',
    'steps',
    'started_at',
    'updated_at',
    'completed_at',
  ];
  const rows = await query.select(columns).orderBy('id', 'desc').offset(page.offset).limit(page.limit);
  const items = rows.map((row: Omit<ProcessInstanceRow, 'engine_state'>) => toProcessInstance({ ...row, engine_state: null }));
  return { items, totalCount: Number(counted?.count ?? 0) };
}

function toProcessInstance(row: ProcessInstanceRow): ProcessInstance {
  return {
    id: Number(row.id),
    definitionId: Number(row.definition_id),
    status: row.status,
    variables: fromJsonbColumn(row.variables),
    engineState: fromJsonbColumn(row.engine_state),
    waiting: fromJsonbColumn(row.waiting),
    history: fromJsonbColumn(row.history),
    errors: fromJsonbColumn(row.errors),
    timerDueAt: row.timer_due_at === null ? null : new Date(row.timer_due_at),
    steps: row.steps,
    startMessage: row.start_message ?? null,
    parentInstanceId:
      row.parent_instance_id === null || row.parent_instance_id === undefined ? null : Number(row.parent_instance_id),
    callDepth: row.call_depth ?? 0,
    traceContext: row.trace_context ? fromJsonbColumn(row.trace_context) : null,
    startedAt: new Date(row.started_at),
    updatedAt: new Date(row.updated_at),
    completedAt: row.completed_at === null ? null : new Date(row.completed_at),
  };
}

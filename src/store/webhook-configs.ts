import type { Db } from './open-database.js';
import {
  type CommandChainStep,
  type ExecutionTarget,
  targetFromLegacyFields,
  toLegacyTargetFields,
} from '../domain/execution-target.js';
import type { RetiringSecret, WebhookConfig, WebhookConfigFields } from '../domain/webhook-config.js';
import { normalizePath } from '../router/normalize-path.js';
import { escapeLike } from './escape-like.js';
import { escapeStoredText, fromJsonbColumn, toJsonbParam, unescapeStoredText } from './jsonb-safe.js';

const table = 'webhook_configs';

/** A row as PostgreSQL returns it (pg gives int8 as strings, PGlite as numbers). */
interface WebhookConfigRow {
  id: string | number;
  key: string;
  description: string;
  is_enabled: boolean;
  path: string;
  normalized_path: string;
  action: string;
  execution_type: number;
  command_name: string | null;
  command_chain: readonly CommandChainStep[] | null;
  execution_code: string | null;
  process_definition_id: string | number | null;
  process_action: string | null;
  message_name: string | null;
  correlation_key: string | null;
  allowable_ips: string;
  response_mode: string;
  timeout_ms: number | null;
  max_attempts: number | null;
  idempotency_key: string | null;
  ordering_key: string | null;
  max_concurrency: number | null;
  max_per_second: number | null;
  verification: WebhookConfig['verification'];
  source: string | null;
  expected_every_seconds: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  activated_at: Date | null;
  deactivated_at: Date | null;
  authority: string[];
  delivery_paused_at: Date | null;
  retiring_secrets: readonly { secret: string; expiresAt: string }[];
  /** `now()` of the statement that read the row: old secrets are judged expired on the database's clock. */
  database_now: Date | string;
}

export const routeUniqueIndex = 'webhook_configs_route_unique';
export const keyUniqueIndex = 'webhook_configs_key_unique';

/** Every column and the database's `now()`, which judges the old secrets' expiry (see toWebhookConfig). */
function columns(db: Db): string[] {
  return [`${table}.*`, db.raw('now() AS database_now') as unknown as string];
}

export interface WebhookConfigFilter {
  readonly searchText?: string;
  readonly isEnabled?: boolean;
  readonly executionType?: number;
}

/** Stores a new configuration; `authority` is the saving token's permissions (the column's default when absent). */
export async function insertWebhookConfig(
  db: Db,
  fields: WebhookConfigFields,
  now: Date,
  authority?: readonly string[],
): Promise<WebhookConfig> {
  const [row] = await db(table)
    .insert({
      ...toColumns(fields),
      authority: authorityColumn(authority),
      created_at: now,
      updated_at: now,
      activated_at: fields.isEnabled ? now : null,
    })
    .returning(columns(db));
  return toWebhookConfig(row as WebhookConfigRow);
}

export async function findWebhookConfigById(db: Db, id: number): Promise<WebhookConfig | undefined> {
  const row = (await db(table).where({ id }).first(columns(db))) as WebhookConfigRow | undefined;
  return row && toWebhookConfig(row);
}

export async function findWebhookConfigByKey(db: Db, key: string): Promise<WebhookConfig | undefined> {
  const row = (await db(table)
    .whereRaw('lower(key) = lower(?)', [escapeStoredText(key)])
    .first(columns(db))) as WebhookConfigRow | undefined;
  return row && toWebhookConfig(row);
}

/**
 * The configurations with these ids, and those whose key is one of `keys` (case-insensitively): what
 * a claimed batch of events runs with, in one query.
 */
export async function findWebhookConfigsByIdsOrKeys(
  db: Db,
  ids: readonly number[],
  keys: readonly string[],
): Promise<WebhookConfig[]> {
  if (ids.length === 0 && keys.length === 0) return [];
  const lowered = keys.map((key) => key.toLowerCase());
  const rows: WebhookConfigRow[] = await db(table)
    .select(columns(db))
    .whereIn('id', ids)
    .modify((q) => lowered.length > 0 && q.orWhereRaw(`lower(key) in (${lowered.map(() => '?').join(', ')})`, lowered));
  return rows.map(toWebhookConfig);
}

/** The enabled configuration, other than `exceptId`, that already serves this path and method. */
export async function findEnabledRouteOwner(
  db: Db,
  route: { normalizedPath: string; action: string; exceptId?: number },
): Promise<WebhookConfig | undefined> {
  const row = (await db(table)
    .where({ normalized_path: escapeStoredText(route.normalizedPath), action: route.action, is_enabled: true })
    .whereNot({ id: route.exceptId ?? 0 })
    .first(columns(db))) as WebhookConfigRow | undefined;
  return row && toWebhookConfig(row);
}

export async function listWebhookConfigs(
  db: Db,
  filter: WebhookConfigFilter,
  page: { offset: number; limit: number },
): Promise<{ items: WebhookConfig[]; totalCount: number }> {
  const query = db<WebhookConfigRow>(table).modify((q) => {
    if (filter.isEnabled !== undefined) q.where({ is_enabled: filter.isEnabled });
    if (filter.executionType !== undefined) q.where({ execution_type: filter.executionType });
    if (filter.searchText) {
      const pattern = `%${escapeLike(escapeStoredText(filter.searchText))}%`;
      q.where((w) => w.whereILike('key', pattern).orWhereILike('description', pattern).orWhereILike('path', pattern));
    }
  });
  const [counted] = await query.clone().count<{ count: string | number }[]>({ count: '*' });
  const rows = (await query.select(columns(db)).orderBy('id').offset(page.offset).limit(page.limit)) as WebhookConfigRow[];
  return { items: rows.map(toWebhookConfig), totalCount: Number(counted?.count ?? 0) };
}

export async function listAllWebhookConfigs(db: Db): Promise<WebhookConfig[]> {
  const rows = (await db(table).select(columns(db)).orderBy('id')) as WebhookConfigRow[];
  return rows.map(toWebhookConfig);
}

/** Replaces the operator's fields and bumps the version; `authority`, when given, replaces the recorded one. */
export async function updateWebhookConfig(
  db: Db,
  id: number,
  fields: Omit<WebhookConfigFields, 'key'>,
  now: Date,
  authority?: readonly string[],
): Promise<WebhookConfig | undefined> {
  const [row] = await db(table)
    .where({ id })
    .update({ ...toColumns(fields), authority: authorityColumn(authority), version: db.raw('version + 1'), updated_at: now })
    .returning(columns(db));
  return row && toWebhookConfig(row as WebhookConfigRow);
}

/** Turns a configuration on or off, stamping when. */
export async function setWebhookConfigEnabled(
  db: Db,
  id: number,
  isEnabled: boolean,
  now: Date,
): Promise<WebhookConfig | undefined> {
  const [row] = await db<WebhookConfigRow>(table)
    .where({ id })
    .update({
      is_enabled: isEnabled,
      ...(isEnabled ? { activated_at: now } : { deactivated_at: now }),
      version: db.raw('version + 1'),
      updated_at: now,
    })
    .returning(columns(db));
  return row && toWebhookConfig(row as WebhookConfigRow);
}

export async function deleteWebhookConfig(db: Db, id: number): Promise<WebhookConfig | undefined> {
  const [row] = await db(table).where({ id }).delete().returning(columns(db));
  return row && toWebhookConfig(row as WebhookConfigRow);
}

function toColumns(fields: Partial<WebhookConfigFields>) {
  return {
    key: text(fields.key),
    description: text(fields.description),
    is_enabled: fields.isEnabled,
    path: text(fields.path),
    normalized_path: fields.path === undefined ? undefined : text(normalizePath(fields.path)),
    action: text(fields.action),
    ...(fields.target && targetColumns(fields.target)),
    allowable_ips: text(fields.allowableIps),
    response_mode: text(fields.responseMode),
    timeout_ms: fields.timeoutMs,
    max_attempts: fields.maxAttempts,
    idempotency_key: text(fields.idempotencyKey),
    ordering_key: text(fields.orderingKey),
    max_concurrency: fields.maxConcurrency,
    max_per_second: fields.maxPerSecond,
    verification: jsonColumn(fields.verification),
    source: fields.source ?? null,
    expected_every_seconds: fields.expectedEverySeconds ?? null,
  };
}

/**
 * A target in its columns: the legacy flat shape, one column per type's field, null when another
 * type's (rows kept the form they always had; this and toWebhookConfig are its only translators).
 */
function targetColumns(target: ExecutionTarget) {
  const fields = toLegacyTargetFields(target);
  return {
    execution_type: fields.executionType,
    command_name: text(fields.commandName),
    command_chain: jsonColumn(fields.commandChain),
    execution_code: text(fields.executionCode),
    process_definition_id: fields.processDefinitionId,
    process_action: fields.processAction,
    message_name: text(fields.messageName),
    correlation_key: text(fields.correlationKey),
  };
}

/** Sorted and without repeats, so two saves by the same token store the same value. */
function authorityColumn(authority: readonly string[] | undefined): string | undefined {
  return authority === undefined ? undefined : JSON.stringify([...new Set(authority)].sort());
}

/** jsonb parameters go as text (pg would turn a JS array into a PostgreSQL array), NUL escaped (see jsonb-safe). */
function jsonColumn(value: unknown): string | null | undefined {
  return value === undefined ? undefined : toJsonbParam(value);
}

/** Text columns cannot hold NUL: escaped on the way in, unescaped on the way out (see jsonb-safe). */
function text<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' ? escapeStoredText(value) : value) as T;
}

function toWebhookConfig(row: WebhookConfigRow): WebhookConfig {
  return {
    id: Number(row.id),
    key: unescapeStoredText(row.key),
    description: unescapeStoredText(row.description),
    isEnabled: row.is_enabled,
    path: unescapeStoredText(row.path),
    normalizedPath: unescapeStoredText(row.normalized_path),
    action: unescapeStoredText(row.action),
    target: targetFromLegacyFields({
      executionType: row.execution_type,
      commandName: row.command_name === null ? null : unescapeStoredText(row.command_name),
      commandChain: fromJsonbColumn(row.command_chain),
      executionCode: row.execution_code === null ? null : unescapeStoredText(row.execution_code),
      processDefinitionId: row.process_definition_id === null ? null : Number(row.process_definition_id),
      processAction: row.process_action,
      messageName: row.message_name === null ? null : unescapeStoredText(row.message_name),
      correlationKey: row.correlation_key === null ? null : unescapeStoredText(row.correlation_key),
    }),
    allowableIps: unescapeStoredText(row.allowable_ips),
    responseMode: unescapeStoredText(row.response_mode),
    timeoutMs: row.timeout_ms,
    maxAttempts: row.max_attempts,
    idempotencyKey: row.idempotency_key === null ? null : unescapeStoredText(row.idempotency_key),
    orderingKey: row.ordering_key === null ? null : unescapeStoredText(row.ordering_key),
    maxConcurrency: row.max_concurrency,
    maxPerSecond: row.max_per_second,
    verification: fromJsonbColumn(row.verification),
    source: row.source ?? null,
    expectedEverySeconds: row.expected_every_seconds ?? null,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    activatedAt: row.activated_at && new Date(row.activated_at),
    deactivatedAt: row.deactivated_at && new Date(row.deactivated_at),
    authority: fromJsonbColumn(row.authority) ?? [],
    deliveryPausedAt: row.delivery_paused_at && new Date(row.delivery_paused_at),
    retiringSecrets: unexpired(fromJsonbColumn(row.retiring_secrets) ?? [], new Date(row.database_now)),
  };
}

/** The old secrets not yet expired when the row was read, on the database's clock, soonest expiry first. */
function unexpired(stored: WebhookConfigRow['retiring_secrets'], databaseNow: Date): RetiringSecret[] {
  return stored
    .map((entry) => ({ secret: entry.secret, expiresAt: new Date(entry.expiresAt) }))
    .filter((entry) => entry.expiresAt > databaseNow)
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
}

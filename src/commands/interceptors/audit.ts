import type { JsonValue } from '@bufbuild/protobuf';
import type { Knex } from 'knex';
import { insertAuditEntry } from '../../store/audit-log.js';
import type { CommandCall, CommandInterceptor, CommandOutcome } from '../command-bus.js';

/**
 * Records every successful write (a `:write` permission) by an operator: who, which `$type`, which
 * entity, before and after (secrets masked), when. A command that declares its entity runs in one
 * transaction with its entry, so a write is never left unrecorded. Webhook executions are not
 * recorded here: their trace is the event's.
 */
export const audit: CommandInterceptor = (next) => async (call) => {
  const { command, ctx } = call;
  if (ctx.actor.kind !== 'operator' || !command.permission.endsWith(':write')) return next(call);
  const target = command.audit;
  if (!target) {
    const outcome = await next(call);
    await record(ctx.db, call, { entityType: '', entityId: '', before: null, after: null });
    return outcome;
  }
  return ctx.db.transaction(async (trx) => {
    const inTransaction: CommandCall = { ...call, ctx: { ...ctx, db: trx } };
    const named = target.entityId(call.input, undefined);
    const before = named === undefined ? undefined : await target.load(trx, String(named));
    const outcome: CommandOutcome = await next(inTransaction);
    const entityId = named ?? target.entityId(call.input, outcome.output);
    const after = entityId === undefined ? undefined : await target.load(trx, String(entityId));
    await record(trx, call, {
      entityType: target.entityType,
      entityId: entityId === undefined ? '' : String(entityId),
      before: before ?? null,
      after: after ?? null,
    });
    return outcome;
  });
};

async function record(
  db: Knex,
  call: CommandCall,
  change: { entityType: string; entityId: string; before: JsonValue | null; after: JsonValue | null },
): Promise<void> {
  await insertAuditEntry(db, {
    occurredAt: call.ctx.clock(),
    actor: call.ctx.actor.subject,
    command: call.command.name,
    ...change,
    requestId: call.ctx.requestId,
  });
}

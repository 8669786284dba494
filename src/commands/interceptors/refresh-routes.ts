import type { CommandInterceptor } from '../command-bus.js';
import { webhookConfigAudit } from '../webhook-configs/webhook-config-audit.js';

/**
 * After a configuration write commits, this process's route table is marked stale at once, so a
 * webhook sent right after the answer already sees the change. Other processes learn of it through
 * the store's change notifications (within a second).
 */
export function refreshRoutesAfterWrites(invalidate: () => void): CommandInterceptor {
  return (next) => async (call) => {
    const outcome = await next(call);
    // The commands that change a configuration are the ones audited as changing one; others that
    // share the webhooks:write permission (EchoCommand, a module's commands) leave the table alone.
    if (call.command.audit?.entityType === webhookConfigAudit.entityType) invalidate();
    return outcome;
  };
}

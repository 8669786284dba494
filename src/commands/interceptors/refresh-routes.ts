import type { CommandInterceptor } from '../command-bus.js';

/**
 * After a configuration write commits, this process's route table is marked stale at once, so a
 * webhook sent right after the answer already sees the change. Other processes learn of it through
 * the store's change notifications (within a second).
 */
export function refreshRoutesAfterWrites(invalidate: () => void): CommandInterceptor {
  return (next) => async (call) => {
    const outcome = await next(call);
    // Only operators change configurations; webhook executions run native commands that merely
    // share the permission name, and must not reload the table on every event.
    if (call.ctx.actor.kind === 'operator' && call.command.permission === 'webhooks:write') invalidate();
    return outcome;
  };
}

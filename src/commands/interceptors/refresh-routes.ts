import type { CommandInterceptor } from '../command-bus.js';

/**
 * After a configuration write commits, this process's route table is marked stale at once, so a
 * webhook sent right after the answer already sees the change. Other processes learn of it through
 * the store's change notifications (within a second).
 */
export function refreshRoutesAfterWrites(invalidate: () => void): CommandInterceptor {
  return (next) => async (call) => {
    const outcome = await next(call);
    if (call.command.permission === 'webhooks:write') invalidate();
    return outcome;
  };
}

import { AppError } from '../../errors.js';
import type { Actor, CommandDefinition } from '../command.js';
import type { CommandInterceptor } from '../command-bus.js';

/**
 * Operators need the command's permission. Webhook executions may run only the commands marked
 * runnable from a webhook (so a webhook never manages configurations), and only those the
 * configuration's authority could have run over the API: a `webhooks:write` token cannot reach
 * process commands by saving a script or chain that calls them.
 */
export const authorize: CommandInterceptor = (next) => async (call) => {
  const { actor } = call.ctx;
  const { command } = call;
  const allowed = actor.permissions.has(command.permission) && (actor.kind === 'operator' || command.runnableFromWebhook);
  if (!allowed) {
    call.ctx.log.info({ actor: actor.subject, permission: command.permission }, 'command refused');
    throw new AppError('permission_denied', 'Forbidden', [refusal(actor, command)]);
  }
  return next(call);
};

function refusal(actor: Actor, command: CommandDefinition): string {
  if (actor.kind === 'operator' || !command.runnableFromWebhook) return `Not allowed to run ${command.name}`;
  return (
    `Not allowed to run ${command.name}: it needs ${command.permission}, which the configuration's authority ` +
    `lacks (save the configuration with a token that holds it)`
  );
}

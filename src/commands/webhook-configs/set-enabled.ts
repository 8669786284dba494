import { failedPrecondition, notFound, alreadyExists } from '../../errors.js';
import { findEnabledRouteOwner, setWebhookConfigEnabled } from '../../store/webhook-configs.js';
import type { CommandContext } from '../command.js';
import { asConflict, requireWebhookConfig } from './stored-config.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';
import { routeConflictMessage } from './validate-webhook-config.js';

/** Activation and deactivation: the same steps in opposite directions. */
export async function setEnabled(id: bigint, isEnabled: boolean, ctx: CommandContext) {
  const failure = isEnabled ? 'Activation failed' : 'Deactivation failed';
  const existing = await requireWebhookConfig(ctx.db, id, failure);
  if (existing.isEnabled === isEnabled) {
    throw failedPrecondition(failure, [`Configuration is already ${isEnabled ? 'active' : 'inactive'}`]);
  }
  if (isEnabled && existing.normalizedPath !== '') {
    const route = { normalizedPath: existing.normalizedPath, action: existing.action, exceptId: existing.id };
    if (await findEnabledRouteOwner(ctx.db, route)) {
      throw alreadyExists(failure, [routeConflictMessage(existing.action, existing.path)]);
    }
  }
  const updated = await setWebhookConfigEnabled(ctx.db, existing.id, isEnabled, ctx.clock()).catch(asConflict(failure, existing));
  if (!updated) throw notFound(failure, ['Configuration not found']);
  return { data: toWebHookConfigMessage(updated) };
}

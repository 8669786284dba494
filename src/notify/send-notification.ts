import { parseForwardAllowList } from '../router/forward-allow-list.js';
import { forwardRequest } from '../commands/native/forward/forward-request.js';
import { isAppError } from '../errors.js';

/** Posts one message; rejects when it was not taken (network, refusal, or a non-2xx answer). */
export type SendNotification = (text: string) => Promise<void>;

/**
 * Sends `{"text": ...}` (Slack's incoming webhook body, also taken by Teams' and Mattermost's) to the
 * notify URL through the forward command's request: the same allow list, the same check of every
 * resolved address, no redirect followed. Errors name the host only; the URL's path is its secret.
 */
export function createNotificationSender(options: {
  readonly url: string;
  readonly forwardAllowedHosts: readonly string[];
  readonly timeoutMs: number;
}): SendNotification {
  const allowList = parseForwardAllowList(options.forwardAllowedHosts);
  const host = new URL(options.url).host;
  return async (text) => {
    const response = await forwardRequest(
      options.url,
      { body: JSON.stringify({ text }), headers: { 'content-type': 'application/json' } },
      { allowList, timeoutMs: options.timeoutMs, maxRedirects: 0, maxResponseBytes: 64 * 1024 },
    ).catch((error: unknown) => {
      // The forward's reasons (AppError.errors) may quote the whole URL (a redirect refused): only its host is logged.
      const reasons = isAppError(error) && error.errors.length > 0 ? error.errors : [String((error as Error).message)];
      throw new Error(`${host}: ${reasons.join('; ').replaceAll(options.url, host)}`);
    });
    if (response.status < 200 || response.status > 299) throw new Error(`${host} answered ${response.status}`);
  };
}

import { z } from 'zod';
import { parseForwardAllowList } from '../router/forward-allow-list.js';

/** Failure notifications to a chat webhook (NOTIFY_*); see docs/operations.md, "Notifications". */
export interface NotifySettings {
  /** A Slack-compatible incoming webhook (`{"text": ...}`; Teams and Mattermost take it too); unset sends nothing. */
  readonly webhookUrl: string | undefined;
  /** A configuration's failing share of its events in the window at which it is announced (0 < ratio <= 1). */
  readonly failureRatio: number;
  readonly failureWindowMs: number;
  /** Events a configuration must have finished (or be retrying) in the window before its ratio counts. */
  readonly failureMinEvents: number;
  /** Configuration key (lower case) -> the longest silence expected of it, in ms. */
  readonly expectedIntervalsMs: ReadonlyMap<string, number>;
  /** How often the conditions are evaluated (failure ratio, silence, clearing, unsent messages). */
  readonly checkIntervalMs: number;
  /** Messages one process sends in a minute at most; the rest wait, still open, for the next check. */
  readonly maxPerMinute: number;
  /** The service's public address: messages link to `<publicUrl>/console/#/...`. */
  readonly publicUrl: string | undefined;
}

export const defaultNotifySettings: NotifySettings = Object.freeze({
  webhookUrl: undefined,
  failureRatio: 0.5,
  failureWindowMs: 15 * 60_000,
  failureMinEvents: 10,
  expectedIntervalsMs: new Map<string, number>(),
  checkIntervalMs: 60_000,
  maxPerMinute: 20,
  publicUrl: undefined,
});

const httpUrl = z.url({ protocol: /^https?$/ });
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const expectedInterval = /^\s*([^=,\s][^=,]*?)\s*=\s*(\d{1,6})\s*$/;

/** The NOTIFY_* and PUBLIC_URL variables, spread into the environment schema. */
export const notifyVariables = {
  NOTIFY_WEBHOOK_URL: httpUrl.optional(),
  NOTIFY_FAILURE_RATIO: z.coerce.number().gt(0).lte(1).default(defaultNotifySettings.failureRatio),
  NOTIFY_FAILURE_WINDOW_MINUTES: integer(1, 1_440).default(defaultNotifySettings.failureWindowMs / 60_000),
  NOTIFY_FAILURE_MIN_EVENTS: integer(1, 1_000_000).default(defaultNotifySettings.failureMinEvents),
  NOTIFY_EXPECTED_INTERVALS: z
    .string()
    .default('')
    .superRefine((text, context) => {
      for (const entry of text.split(',').filter((item) => item.trim() !== '')) {
        const minutes = Number(expectedInterval.exec(entry)?.[2]);
        if (!(minutes >= 1))
          context.addIssue({ code: 'custom', message: `"${entry.trim()}" is not <config key>=<minutes>, minutes at least 1` });
      }
    }),
  NOTIFY_CHECK_INTERVAL_MS: integer(100, 3_600_000).default(defaultNotifySettings.checkIntervalMs),
  NOTIFY_MAX_PER_MINUTE: integer(1, 10_000).default(defaultNotifySettings.maxPerMinute),
  PUBLIC_URL: httpUrl.optional(),
};

type NotifyVariables = z.infer<z.ZodObject<typeof notifyVariables>>;

/**
 * Why NOTIFY_WEBHOOK_URL may not be used, or undefined: it goes out through the forward command's
 * allow list (FORWARD_ALLOWED_HOSTS), so a notification can reach nothing a forward could not. The
 * message names the host only: the rest of such a URL is usually its secret.
 */
export function notifyUrlProblem(url: string | undefined, forwardAllowedHosts: readonly string[]): string | undefined {
  if (url === undefined) return undefined;
  const target = new URL(url);
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  if (parseForwardAllowList(forwardAllowedHosts).allowsHost(target.hostname, port)) return undefined;
  return (
    `its host ${target.host} is not in FORWARD_ALLOWED_HOSTS: notifications go through the same allow list as ` +
    `ForwardWebhookCommand, so add ${target.hostname} (or *.${target.hostname.split('.').slice(-2).join('.')}) there`
  );
}

/** The settings from parsed variables. */
export function toNotifySettings(e: NotifyVariables): NotifySettings {
  const intervals = new Map<string, number>();
  for (const entry of e.NOTIFY_EXPECTED_INTERVALS.split(',').filter((item) => item.trim() !== '')) {
    const [, key, minutes] = expectedInterval.exec(entry)!;
    intervals.set(key!.toLowerCase(), Number(minutes) * 60_000);
  }
  return Object.freeze({
    webhookUrl: e.NOTIFY_WEBHOOK_URL,
    failureRatio: e.NOTIFY_FAILURE_RATIO,
    failureWindowMs: e.NOTIFY_FAILURE_WINDOW_MINUTES * 60_000,
    failureMinEvents: e.NOTIFY_FAILURE_MIN_EVENTS,
    expectedIntervalsMs: intervals,
    checkIntervalMs: e.NOTIFY_CHECK_INTERVAL_MS,
    maxPerMinute: e.NOTIFY_MAX_PER_MINUTE,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
  });
}

import type { NotificationCondition } from '../store/notification-conditions.js';

/**
 * The words of each message: configuration key, counts, event ids and a console link, never a body,
 * header or secret. Plain text that Slack, Teams and Mattermost all show as is (they link bare URLs).
 */
export function openedText(condition: NotificationCondition, links: ConsoleLinks): string {
  const key = quoted(condition.configKey);
  const detail = condition.detail;
  switch (condition.condition) {
    case 'dead':
      return `[bpm-webhooks] DEAD: an event of ${key} ran out of attempts (event ${detail.eventId}). ${links.event(Number(detail.eventId))}`;
    case 'failure_ratio':
      return (
        `[bpm-webhooks] FAILING: ${detail.failing} of ${detail.total} events of ${key} received in the last ` +
        `${detail.windowMinutes} minutes failed or are being retried (${percent(detail)}; threshold ${detail.thresholdPercent}%). ` +
        links.config(condition.configId)
      );
    case 'silent':
      return (
        `[bpm-webhooks] SILENT: ${key} has received no event for ${detail.silentMinutes} minutes ` +
        `(expected at least every ${detail.expectedMinutes}). ${links.config(condition.configId)}`
      );
    default:
      return condition.condition satisfies never;
  }
}

/** The message that a condition cleared, with why. */
export function clearedText(condition: NotificationCondition, why: string, links: ConsoleLinks): string {
  const name = { dead: 'dead letters', failure_ratio: 'failure ratio', silent: 'silence' }[condition.condition];
  const repeats = condition.condition === 'dead' ? `; ${condition.occurrences} event(s) went dead meanwhile` : '';
  return (
    `[bpm-webhooks] CLEARED: ${name} of ${quoted(condition.configKey)}: ${why} ` +
    `(open since ${condition.openedAt.toISOString()}${repeats}). ${links.config(condition.configId)}`
  );
}

/** Where the console shows a configuration or an event. */
export interface ConsoleLinks {
  config(id: number | null): string;
  event(id: number): string;
}

/** Links under PUBLIC_URL; without it, the console path alone, so the reader knows where to look. */
export function consoleLinks(publicUrl: string | undefined): ConsoleLinks {
  const base = `${publicUrl ?? ''}/console/#`;
  const suffix = publicUrl === undefined ? ' (set PUBLIC_URL for a full link)' : '';
  return {
    config: (id) => (id === null ? '' : `Console: ${base}/configs/${id}${suffix}`),
    event: (id) => `Console: ${base}/events/${id}${suffix}`,
  };
}

function percent(detail: NotificationCondition['detail']): string {
  return `${Math.round((Number(detail.failing) / Number(detail.total)) * 100)}%`;
}

/**
 * A key as the message shows it: control characters replaced, and `&`, `<`, `>` escaped as Slack
 * asks, so a key cannot mention @channel or forge a link; clipped to 100 characters.
 */
function quoted(key: string): string {
  const visible = [...key]
    .slice(0, 100)
    .map((char) => (/[\p{Cc}\p{Cf}]/u.test(char) ? '?' : char))
    .join('');
  return `"${visible.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`;
}

import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { WebHookConfig } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { formatAge, formatTime } from '../ui/format.js';

/**
 * A configuration that expects webhooks (`expectedEvery`): "silent for 42 min" once the service says it
 * is overdue (the same judgement as bpm_webhook_silent on /metrics), else when it last accepted one.
 * The age counts from the last accepted webhook, or from the configuration's creation when none.
 */
export function SilenceBadge({ config }: { readonly config: WebHookConfig }) {
  if (!config.expectedEvery) return null;
  const since = config.lastAcceptedAt ?? config.createdAt;
  const expectation = `expects a webhook every ${config.expectedEvery}`;
  if (config.silent && since) {
    const seconds = Math.max(0, (Date.now() - timestampDate(since).getTime()) / 1_000);
    return (
      <span
        className="status status-dead"
        data-testid="silent-badge"
        title={`${expectation}; last accepted ${formatTime(config.lastAcceptedAt)}`}
      >
        silent for {formatAge(seconds)}
      </span>
    );
  }
  return (
    <span className="muted" data-testid="expected-every">
      {expectation}
      {config.lastAcceptedAt && `; last accepted ${formatTime(config.lastAcceptedAt)}`}
    </span>
  );
}

import { useMutation } from '@connectrpc/connect-query';
import { useQueryClient } from '@tanstack/react-query';
import type { WebHookConfig } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { WebHookConfigService } from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';

/**
 * Pauses a configuration's delivery (webhooks still accepted and stored, none run) or resumes it;
 * `onDone` gets the service's message.
 */
export function DeliveryPauseButton({
  config,
  onDone,
}: {
  readonly config: WebHookConfig;
  readonly onDone?: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const options = {
    onSuccess: async (answer: { message: string }) => {
      onDone?.(answer.message);
      await queryClient.invalidateQueries();
    },
  };
  const pause = useMutation(WebHookConfigService.method.pauseWebHookDelivery, options);
  const resume = useMutation(WebHookConfigService.method.resumeWebHookDelivery, options);
  const paused = config.deliveryPausedAt !== undefined;
  const action = paused ? resume : pause;
  return (
    <>
      <button
        type="button"
        disabled={action.isPending}
        onClick={() => {
          pause.reset();
          resume.reset();
          action.mutate({ id: config.id });
        }}
      >
        {paused ? `Resume ${config.key}` : `Pause ${config.key}`}
      </button>
      <ErrorMessage error={pause.error ?? resume.error} action="Could not change the delivery" />
    </>
  );
}

/** "paused, 12 waiting" for a paused configuration; nothing for one that runs. */
export function PausedBadge({ config }: { readonly config: WebHookConfig }) {
  if (config.deliveryPausedAt === undefined) return null;
  return <span className="status status-queued">paused, {String(config.waitingEvents ?? 0n)} waiting</span>;
}

/** "at most 10 at once, 50/s; backed off until …" for a configuration with limits or a back-off; nothing otherwise. */
export function LimitsBadge({ config }: { readonly config: WebHookConfig }) {
  const limits = [
    ...(config.maxConcurrency !== undefined ? [`at most ${config.maxConcurrency} at once`] : []),
    ...(config.maxPerSecond !== undefined ? [`${config.maxPerSecond}/s`] : []),
  ];
  const backOff = config.deliveryBackoffUntil && `backed off until ${formatTime(config.deliveryBackoffUntil)}`;
  if (limits.length === 0 && !backOff) return null;
  return (
    <span className="muted">
      {limits.join(', ')}
      {limits.length > 0 && backOff ? '; ' : ''}
      {backOff}
    </span>
  );
}

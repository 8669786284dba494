import { useMutation } from '@connectrpc/connect-query';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorMessage } from '../ui/error-message.js';

/** Replays one event after a confirmation; the service says no to events that are not finished. */
export function ReplayButton({ id, status }: { readonly id: bigint; readonly status: string }) {
  const [asking, setAsking] = useState(false);
  const queryClient = useQueryClient();
  const replay = useMutation(WebhookEventService.method.replayWebhookEvent, {
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return (
    <div className="actions">
      <button
        type="button"
        onClick={() => {
          replay.reset();
          setAsking(true);
        }}
      >
        Replay…
      </button>
      <ConfirmDialog
        open={asking}
        title={`Replay event ${id}?`}
        confirmLabel="Replay"
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          replay.mutate({ id });
        }}
      >
        <p>
          The event ({status}) runs again against its configuration as it is now, with a fresh budget of attempts. Whatever it
          calls is called again.
        </p>
      </ConfirmDialog>
      <ErrorMessage error={replay.error} action="Replay failed" />
      {replay.data && <output className="notice">{replay.data.message}</output>}
    </div>
  );
}

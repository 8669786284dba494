import { useMutation, useTransport } from '@connectrpc/connect-query';
import { createClient } from '@connectrpc/connect';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { replayableStatuses } from '../../../src/domain/replayable-statuses.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorMessage } from '../ui/error-message.js';
import { type EventFilter, filterFields, noFilter } from './event-filters.js';

/** The command's own upper bound for one bulk replay. */
const replayLimit = 1000;

/** Replays every finished event the list's filter matches, after saying how many that is. */
export function BulkReplay({ filter }: { readonly filter: EventFilter }) {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const [count, setCount] = useState<number>();
  const [countError, setCountError] = useState<unknown>();
  const replay = useMutation(WebhookEventService.method.replayWebhookEvent, {
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const unfiltered = JSON.stringify(filter) === JSON.stringify(noFilter);
  // What a replay may requeue: finished events (ReplayWebhookEventCommand refuses the others).
  const replayable: readonly string[] = replayableStatuses;
  const statuses = filter.status ? [filter.status].filter((status) => replayable.includes(status)) : replayable;

  const ask = async () => {
    setCountError(undefined);
    replay.reset();
    try {
      const client = createClient(WebhookEventService, transport);
      const totals = await Promise.all(
        statuses.map(async (status) => {
          const answer = await client.getWebhookEventList({ ...filterFields(filter), status, pageSize: 1 });
          return answer.data?.totalCount ?? 0;
        }),
      );
      setCount(totals.reduce((sum, total) => sum + total, 0));
    } catch (error) {
      setCountError(error);
    }
  };
  const confirm = () => {
    setCount(undefined);
    replay.mutate({ ...filterFields(filter), limit: replayLimit });
  };
  return (
    <>
      <button
        type="button"
        onClick={ask}
        disabled={unfiltered || statuses.length === 0}
        title={unfiltered ? 'Set a filter first: a bulk replay needs one' : undefined}
      >
        Replay matching events…
      </button>
      <ConfirmDialog
        open={count !== undefined}
        title="Replay the matching events?"
        confirmLabel={`Replay ${Math.min(count ?? 0, replayLimit)} events`}
        onConfirm={confirm}
        onCancel={() => setCount(undefined)}
      >
        <p>
          {count} finished events match the filter
          {(count ?? 0) > replayLimit ? `; the oldest ${replayLimit} are replayed` : ''}. Each runs again against its
          configuration as it is now, with a fresh budget of attempts.
        </p>
      </ConfirmDialog>
      <ErrorMessage error={countError} action="Could not count the events" />
      <ErrorMessage error={replay.error} action="Replay failed" />
      {replay.data && (
        <output className="notice">
          {replay.data.message}: {replay.data.data?.replayedCount ?? 0} events queued again.
        </output>
      )}
    </>
  );
}

import { useMutation, useQuery } from '@connectrpc/connect-query';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type ParkedKey, WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';

/**
 * The ordering keys parked by a dead event (of one configuration, or of all), each with Release (the
 * dead event runs again, then its successors) and Skip (it stays dead, its successors run).
 */
export function ParkedKeysPanel({ configId }: { readonly configId?: bigint }) {
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string>();
  const parked = useQuery(WebhookEventService.method.listParkedKeys, configId === undefined ? {} : { configId });
  const release = useMutation(WebhookEventService.method.releaseOrderingKey, {
    onSuccess: async (answer) => {
      setNotice(answer.message);
      await queryClient.invalidateQueries();
    },
  });
  const items = parked.data?.data?.items ?? [];
  const act = (key: ParkedKey, skipDeadEvent: boolean) => {
    setNotice(undefined);
    release.reset();
    release.mutate({ configId: key.configId, orderingKey: key.orderingKey, skipDeadEvent });
  };
  return (
    <section aria-labelledby="parked-heading">
      <h2 id="parked-heading">Parked ordering keys</h2>
      <ErrorMessage error={parked.error} action="Could not load the parked keys" />
      {parked.data && items.length === 0 && <p className="muted">No ordering key is parked.</p>}
      {items.length > 0 && (
        <table>
          <caption>{items.length} parked: their successors wait until the key is released or its dead event skipped</caption>
          <thead>
            <tr>
              {configId === undefined && <th scope="col">Configuration</th>}
              <th scope="col">Ordering key</th>
              <th scope="col">Dead event</th>
              <th scope="col">Waiting</th>
              <th scope="col">Parked</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((key) => (
              <tr key={`${key.configId}:${key.orderingKey}`}>
                {configId === undefined && (
                  <td>
                    <a href={`#/configs/${key.configId}`}>{key.configKey}</a>
                  </td>
                )}
                <td>
                  <code>{key.orderingKey}</code>
                </td>
                <td>
                  <a href={`#/events/${key.deadEventId}`}>{String(key.deadEventId)}</a>
                </td>
                <td>{String(key.waitingEvents)}</td>
                <td>{formatTime(key.parkedAt)}</td>
                <td className="actions">
                  <button type="button" disabled={release.isPending} onClick={() => act(key, false)}>
                    Release {key.orderingKey}
                  </button>
                  <button type="button" disabled={release.isPending} onClick={() => act(key, true)}>
                    Skip {key.orderingKey}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage error={release.error} action="Could not release the key" />
      {notice && <output className="notice">{notice}</output>}
    </section>
  );
}

import { useTransport } from '@connectrpc/connect-query';
import { createClient } from '@connectrpc/connect';
import { useQuery } from '@tanstack/react-query';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';

/**
 * The backlog from the event list: its totals for queued and processing, and the oldest queued event
 * (the list is newest first, so with pages of one the last page holds it).
 */
export function useInboxDepth(refreshMs: number) {
  const transport = useTransport();
  const query = useQuery({
    queryKey: ['inbox-depth'],
    refetchInterval: refreshMs,
    queryFn: async () => {
      const events = createClient(WebhookEventService, transport);
      const [queued, processing] = await Promise.all(
        ['queued', 'processing'].map(
          async (status) => (await events.getWebhookEventList({ status, pageSize: 1 })).data?.totalCount ?? 0,
        ),
      );
      const oldest = queued
        ? (await events.getWebhookEventList({ status: 'queued', pageSize: 1, pageNumber: queued })).data?.items[0]
        : undefined;
      return { queued, processing, oldest };
    },
  });
  return { ...query.data, error: query.error };
}

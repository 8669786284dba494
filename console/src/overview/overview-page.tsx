import { createQueryOptions, useQuery, useTransport } from '@connectrpc/connect-query';
import { useQueries } from '@tanstack/react-query';
import { WebHookConfigService } from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';
import { EventsPerMinuteChart } from './events-per-minute-chart.js';
import { useInboxDepth } from './use-inbox-depth.js';

/** The per-configuration columns: what a reader checks first. */
const countedStatuses = ['succeeded', 'failed', 'dead', 'queued'] as const;
/** Each count is one list call: the overview bounds what one open tab asks of the service. */
const countedConfigs = 25;
const refreshMs = 10_000;

/** Counts per configuration and the inbox's backlog, from the event list's totals (no scraping of /metrics). */
export function OverviewPage() {
  const transport = useTransport();
  const configs = useQuery(WebHookConfigService.method.lookupWebHookByKey, { key: '' });
  const allConfigs = configs.data?.data ?? [];
  const configList = allConfigs.slice(0, countedConfigs);
  const counts = useQueries({
    queries: configList.flatMap((config) =>
      countedStatuses.map((status) => ({
        ...createQueryOptions(
          WebhookEventService.method.getWebhookEventList,
          { configId: config.id, status, pageSize: 1 },
          { transport },
        ),
        refetchInterval: refreshMs,
      })),
    ),
  });
  const inbox = useInboxDepth(refreshMs);
  const countError = counts.find((count) => count.error)?.error;
  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="inbox-heading">
        <h2 id="inbox-heading">Inbox</h2>
        <ErrorMessage error={inbox.error} action="Could not read the inbox" />
        <dl className="fields big">
          <div>
            <dt>Waiting (queued)</dt>
            <dd data-testid="inbox-queued">{inbox.queued ?? '…'}</dd>
          </div>
          <div>
            <dt>Running</dt>
            <dd>{inbox.processing ?? '…'}</dd>
          </div>
          <div>
            <dt>Oldest waiting event</dt>
            <dd>
              {inbox.oldest ? (
                <a href={`#/events/${inbox.oldest.id}`}>
                  event {String(inbox.oldest.id)}, received {formatTime(inbox.oldest.receivedAt)}
                </a>
              ) : (
                'none'
              )}
            </dd>
          </div>
        </dl>
      </section>
      <EventsPerMinuteChart refreshMs={refreshMs} />
      <section aria-labelledby="configs-heading">
        <h2 id="configs-heading">Events per configuration</h2>
        <ErrorMessage error={configs.error ?? countError} action="Could not count the events" />
        <table>
          <caption>
            {allConfigs.length > countedConfigs
              ? `The first ${countedConfigs} of ${allConfigs.length} configurations; filter the Events page for the others.`
              : `${allConfigs.length} configurations, refreshed every ${refreshMs / 1000} s.`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Configuration</th>
              {countedStatuses.map((status) => (
                <th scope="col" key={status}>
                  {status}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {configList.map((config, row) => (
              <tr key={String(config.id)}>
                <th scope="row">
                  <a href={`#/configs/${config.id}`}>{config.key}</a>
                  {!config.isEnabled && <span className="muted"> (inactive)</span>}
                </th>
                {countedStatuses.map((status, column) => (
                  <td key={status}>{counts[row * countedStatuses.length + column]?.data?.data?.totalCount ?? '…'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

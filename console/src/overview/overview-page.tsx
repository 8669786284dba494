import { useQuery } from '@connectrpc/connect-query';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import type { EventStatus } from '../../../src/domain/proto-lists.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatAge } from '../ui/format.js';
import { EventsPerMinuteChart } from './events-per-minute-chart.js';

/** The per-configuration columns: what a reader checks first. */
const countedStatuses = ['succeeded', 'failed', 'dead', 'queued'] as const satisfies readonly EventStatus[];
const refreshMs = 10_000;

/** The inbox's backlog and each configuration's events of the last day, from one call (no scraping of /metrics). */
export function OverviewPage() {
  const overview = useQuery(WebhookEventService.method.getDeliveryOverview, {}, { refetchInterval: refreshMs });
  const data = overview.data?.data;
  const configs = data?.configs ?? [];
  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="inbox-heading">
        <h2 id="inbox-heading">Inbox</h2>
        <ErrorMessage error={overview.error} action="Could not read the inbox" />
        <dl className="fields big">
          <div>
            <dt>Waiting (queued)</dt>
            <dd data-testid="inbox-queued">{data ? String(data.queued) : '…'}</dd>
          </div>
          <div>
            <dt>Running</dt>
            <dd>{data ? String(data.processing) : '…'}</dd>
          </div>
          <div>
            <dt>Oldest waiting event</dt>
            <dd>
              {data?.oldestDueEventId !== undefined ? (
                <a href={`#/events/${data.oldestDueEventId}`}>
                  event {String(data.oldestDueEventId)}, due {formatAge(data.oldestDueAgeSeconds)} ago
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
        <table>
          <caption>
            {`${configs.length} configurations, events received in the last 24 hours, refreshed every ${refreshMs / 1000} s.`}
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
            {configs.map((config) => (
              <tr key={String(config.configId)}>
                <th scope="row">
                  <a href={`#/configs/${config.configId}`}>{config.configKey}</a>
                  {!config.isEnabled && <span className="muted"> (inactive)</span>}
                </th>
                {countedStatuses.map((status) => (
                  <td key={status}>{config[status]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

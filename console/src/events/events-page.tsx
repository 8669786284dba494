import { useQuery } from '@connectrpc/connect-query';
import { useState } from 'react';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';
import { BulkReplay } from './bulk-replay.js';
import { type EventFilter, EventFilters, filterFields, noFilter } from './event-filters.js';
import { useReading } from './use-reading.js';

const pageSize = 25;
const refreshMs = 3_000;

/** The inbox, newest first, refreshed every few seconds unless the reader is reading it. */
export function EventsPage() {
  const [filter, setFilter] = useState<EventFilter>(noFilter);
  const [pageNumber, setPageNumber] = useState(1);
  const [live, setLive] = useState(true);
  const { reading, handlers } = useReading();
  const list = useQuery(
    WebhookEventService.method.getWebhookEventList,
    { pageNumber, pageSize, ...filterFields(filter) },
    { refetchInterval: live && !reading ? refreshMs : false, placeholderData: (previous) => previous },
  );
  const page = list.data?.data;
  const pages = page ? Math.max(1, Math.ceil(page.totalCount / pageSize)) : 1;
  const changeFilter = (next: EventFilter) => {
    setFilter(next);
    setPageNumber(1);
  };
  return (
    <>
      <h1>Events</h1>
      <EventFilters filter={filter} onChange={changeFilter} />
      <div className="toolbar">
        <label className="inline">
          <input type="checkbox" checked={live} onChange={(event) => setLive(event.target.checked)} /> Auto-refresh
        </label>
        <span aria-live="polite" className="muted">
          {!live
            ? 'Auto-refresh is off.'
            : reading
              ? 'Auto-refresh paused while you read.'
              : `Refreshing every ${refreshMs / 1000} s.`}
        </span>
        <button type="button" onClick={() => list.refetch()}>
          Refresh now
        </button>
        <BulkReplay filter={filter} />
      </div>
      <ErrorMessage error={list.error} action="Could not load the events" />
      <section aria-label="Event list" {...handlers}>
        <table>
          <caption>{page ? `${page.totalCount} ${page.totalCount === 1 ? 'event' : 'events'}` : 'Loading events…'}</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Received</th>
              <th scope="col">Key</th>
              <th scope="col">Source</th>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Body</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((event) => (
              <tr key={String(event.id)}>
                <td>
                  <a href={`#/events/${event.id}`} aria-label={`Event ${event.id}`}>
                    {String(event.id)}
                  </a>
                </td>
                <td>{formatTime(event.receivedAt)}</td>
                <td>{event.key}</td>
                <td>{event.source}</td>
                <td>
                  <code>
                    {event.method} {event.path}
                  </code>
                </td>
                <td>
                  <span className={`status status-${event.status}`}>{event.status}</span>
                </td>
                <td>
                  {event.attemptCount}/{event.maxAttempts}
                </td>
                <td className="preview">{event.bodyPreview}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={pageNumber <= 1} onClick={() => setPageNumber(pageNumber - 1)}>
            Newer
          </button>
          <span>
            Page {pageNumber} of {pages}
          </span>
          <button type="button" disabled={pageNumber >= pages} onClick={() => setPageNumber(pageNumber + 1)}>
            Older
          </button>
        </nav>
      </section>
    </>
  );
}

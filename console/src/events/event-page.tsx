import type { JsonObject } from '@bufbuild/protobuf';
import { useQuery } from '@connectrpc/connect-query';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatJson, formatTime } from '../ui/format.js';
import { prettyBody } from './pretty-body.js';
import { ReplayButton } from './replay-button.js';
import { TraceLink } from './trace-link.js';
import { jsonOf, TraceTimeline } from './trace-timeline.js';

/** While an event waits or runs, its page follows it; a finished event is read once. */
const followMs = 1_000;
const unfinished = new Set(['queued', 'processing']);

/** One event: what came in, what was decided, every attempt; and a replay. */
export function EventPage({ id }: { readonly id: bigint }) {
  const query = useQuery(
    WebhookEventService.method.getWebhookEventById,
    { id },
    { refetchInterval: (current) => (unfinished.has(current.state.data?.data?.status ?? '') ? followMs : false) },
  );
  const event = query.data?.data;
  return (
    <>
      <p>
        <a href="#/events">← All events</a>
      </p>
      <h1>Event {String(id)}</h1>
      <ErrorMessage error={query.error} action="Could not load the event" />
      {event && (
        <>
          <section aria-labelledby="summary-heading">
            <h2 id="summary-heading">Summary</h2>
            <dl className="fields">
              <Field name="Status">
                <span className={`status status-${event.status}`} data-testid="event-status">
                  {event.status}
                </span>
              </Field>
              <Field name="Configuration">
                {event.configId !== undefined ? <a href={`#/configs/${event.configId}`}>{event.key}</a> : event.key || '—'}
                {event.configVersion !== undefined && ` (version ${event.configVersion})`}
              </Field>
              <Field name="Source">{event.source}</Field>
              <Field name="Received">{formatTime(event.receivedAt)}</Field>
              <Field name="Completed">{formatTime(event.completedAt)}</Field>
              <Field name="Attempts">
                {event.attemptCount} of {event.maxAttempts}
              </Field>
              <Field name="Response mode">{event.responseMode}</Field>
              <Field name="Client IP">{event.clientIp}</Field>
              <Field name="Request id">{event.requestId || '—'}</Field>
              <Field name="Trace id">
                <TraceLink trace={(event.trace ?? {}) as JsonObject} />
              </Field>
              <Field name="Idempotency key">{event.idempotencyKey || '—'}</Field>
            </dl>
            {event.errors.length > 0 && (
              <>
                <h3>Last errors</h3>
                <ul className="errors">
                  {event.errors.map((error) => (
                    <li key={error}>{error}</li>
                  ))}
                </ul>
              </>
            )}
            {event.result !== undefined && (
              <details>
                <summary>Result</summary>
                <pre>{formatJson(jsonOf(event.result))}</pre>
              </details>
            )}
            <ReplayButton id={id} status={event.status} />
          </section>
          <section aria-labelledby="request-heading">
            <h2 id="request-heading">Request</h2>
            <p>
              <code>
                {event.method} {event.path}
              </code>{' '}
              <span className="muted">({event.bodyBytes} bytes)</span>
            </p>
            <NameValueTable caption="Headers (secrets are redacted by the service)" values={event.headers} />
            {Object.keys(event.query).length > 0 && <NameValueTable caption="Query" values={event.query} />}
            <h3>Body</h3>
            <pre className="body">{prettyBody(event.body, event.headers['content-type'] ?? '')}</pre>
          </section>
          <section aria-labelledby="trace-heading">
            <h2 id="trace-heading">Trace</h2>
            <TraceTimeline event={event} />
          </section>
        </>
      )}
    </>
  );
}

function Field({ name, children }: { readonly name: string; readonly children: React.ReactNode }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function NameValueTable({ caption, values }: { readonly caption: string; readonly values: Record<string, string> }) {
  return (
    <table className="compact">
      <caption>{caption}</caption>
      <tbody>
        {Object.entries(values)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

import { useQuery } from '@connectrpc/connect-query';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { WebHookConfig } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { prettyBody } from '../events/pretty-body.js';

const samples: Record<string, string> = {
  'application/json': '{\n  "event": "payment.succeeded",\n  "data": { "reference": "T-1001", "amount": 2500 }\n}',
  'application/x-www-form-urlencoded': 'event=payment.succeeded&reference=T-1001&amount=2500',
  'application/xml': '<notification><event>payment.succeeded</event><reference>T-1001</reference></notification>',
};

interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly contentType: string;
  readonly body: string;
  readonly requestId: string;
}

/**
 * Posts a sample body to the configuration's own webhook URL, as a provider would (no token: ingress
 * is guarded by the configuration's IP list and verification), then shows the answer and the event
 * the service stored for it.
 */
export function TestWebhookPanel({ config }: { readonly config: WebHookConfig }) {
  const [contentType, setContentType] = useState('application/json');
  const [body, setBody] = useState(samples['application/json']!);
  const [answer, setAnswer] = useState<Answer>();
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  const queryClient = useQueryClient();
  const url = `/api/webhook/${config.path.replace(/^\/+/, '')}`;
  const withBody = config.action !== 'GET' && config.action !== 'DELETE';

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setFailure(undefined);
    try {
      const response = await fetch(url, {
        method: config.action,
        headers: withBody ? { 'content-type': contentType } : {},
        ...(withBody && { body }),
      });
      setAnswer({
        status: response.status,
        statusText: response.statusText,
        contentType: response.headers.get('content-type') ?? '',
        body: await response.text(),
        requestId: response.headers.get('x-request-id') ?? '',
      });
      await queryClient.invalidateQueries();
    } catch (error) {
      setAnswer(undefined);
      setFailure(`The request did not get an answer: ${(error as Error).message}`);
    } finally {
      setSending(false);
    }
  };

  return (
    <section aria-labelledby="test-heading">
      <h2 id="test-heading">Send a test webhook</h2>
      <form onSubmit={send}>
        <p>
          <code>
            {config.action} {url}
          </code>
          {!config.isEnabled && <strong> The configuration is inactive: the service will answer 404.</strong>}
        </p>
        {withBody && (
          <>
            <label className="inline">
              Content type
              <select
                value={contentType}
                onChange={(event) => {
                  setContentType(event.target.value);
                  setBody(samples[event.target.value] ?? '');
                }}
              >
                {Object.keys(samples).map((type) => (
                  <option key={type}>{type}</option>
                ))}
              </select>
            </label>
            <label>
              <span>Test body</span>
              <textarea
                className="code"
                rows={6}
                value={body}
                onChange={(event) => setBody(event.target.value)}
                spellCheck={false}
              />
            </label>
          </>
        )}
        <button type="submit" disabled={sending}>
          {sending ? 'Sending…' : 'Send test webhook'}
        </button>
      </form>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
      {answer && (
        <div aria-live="polite" className="answer">
          <h3>
            Answer: <span data-testid="test-status">{answer.status}</span> {answer.statusText}
          </h3>
          <pre>{prettyBody(answer.body, answer.contentType)}</pre>
          <StoredEvent configId={config.id} requestId={answer.requestId} />
        </div>
      )}
    </section>
  );
}

/** The event stored for the test request: the config's recent event that came with the answer's request id. */
function StoredEvent({ configId, requestId }: { readonly configId: bigint; readonly requestId: string }) {
  const recent = useQuery(
    WebhookEventService.method.getWebhookEventList,
    { configId, pageSize: 20 },
    // An async event is followed until it has run.
    {
      refetchInterval: (query) => {
        const stored = query.state.data?.data?.items.find((item) => item.requestId === requestId);
        return stored && (stored.status === 'queued' || stored.status === 'processing') ? 1_000 : false;
      },
    },
  );
  const event = recent.data?.data?.items.find((item) => item.requestId === requestId);
  if (recent.isPending) return <p>Looking for the stored event…</p>;
  if (!event) return <p>No event was stored for this request (refused before the inbox, or not readable with this token).</p>;
  return (
    <p>
      Stored as{' '}
      <a href={`#/events/${event.id}`} data-testid="stored-event">
        event {String(event.id)}
      </a>{' '}
      ({event.status}).
    </p>
  );
}

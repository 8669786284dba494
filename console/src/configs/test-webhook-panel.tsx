import { useMutation, useQuery } from '@connectrpc/connect-query';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { TestWebhookService } from '../../../gen/bpm/webhooks/v1/test_webhook_service_pb.js';
import type { WebHookConfig } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { prettyBody } from '../events/pretty-body.js';
import { ErrorMessage } from '../ui/error-message.js';

const samples: Record<string, string> = {
  'application/json': '{\n  "event": "payment.succeeded",\n  "data": { "reference": "T-1001", "amount": 2500 }\n}',
  'application/x-www-form-urlencoded': 'event=payment.succeeded&reference=T-1001&amount=2500',
  'application/xml': '<notification><event>payment.succeeded</event><reference>T-1001</reference></notification>',
};

/**
 * Sends a sample body to the configuration's own webhook URL through the service
 * (SendTestWebhookCommand), which signs it with the configuration's source or scheme where the secret
 * is, so a verified configuration's test passes its verification; then shows the answer, the headers
 * it was signed in, and the event the service stored for it.
 */
export function TestWebhookPanel({ config }: { readonly config: WebHookConfig }) {
  const [contentType, setContentType] = useState('application/json');
  const [body, setBody] = useState(samples['application/json']!);
  const queryClient = useQueryClient();
  const sender = useMutation(TestWebhookService.method.sendTestWebhook, { onSuccess: () => queryClient.invalidateQueries() });
  const answer = sender.data?.data;
  const sending = sender.isPending;
  const url = `/api/webhook/${config.path.replace(/^\/+/, '')}`;
  const withBody = config.action !== 'GET' && config.action !== 'DELETE';

  const send = (event: FormEvent) => {
    event.preventDefault();
    sender.mutate({ configId: config.id, contentType, body: withBody ? body : '' });
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
      <ErrorMessage error={sender.error} action="The test was not sent" />
      {answer && (
        <div aria-live="polite" className="answer">
          <h3>
            Answer: <span data-testid="test-status">{answer.status}</span>
          </h3>
          <p className="muted" data-testid="signed-headers">
            {answer.signedHeaders.length > 0
              ? `Signed by the service in ${answer.signedHeaders.join(', ')} (the secret stays there).`
              : 'Sent unsigned: the configuration verifies nothing.'}
          </p>
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

import { useMutation } from '@connectrpc/connect-query';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { WebHookConfig } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { WebHookConfigService } from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';
import { Field } from './field.js';

/** How long the old secrets stay valid, as offered; the service's default (24 h) first. */
const overlaps = [
  { label: '24 hours', seconds: 86_400 },
  { label: '1 hour', seconds: 3_600 },
  { label: '7 days', seconds: 604_800 },
  { label: 'No overlap: drop the old secrets now', seconds: 0 },
] as const;

/**
 * A configuration's secrets: how many are accepted and until when the old ones are, and Rotate,
 * which adds a new secret (generated, or the sender's) and shows a generated one once, with a copy
 * button. Dismissing it forgets it: the service never answers it again.
 */
export function SecretRotationPanel({ config }: { readonly config: WebHookConfig }) {
  const queryClient = useQueryClient();
  const rotate = useMutation(WebHookConfigService.method.rotateWebHookSecret, {
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const [open, setOpen] = useState(false);
  const [given, setGiven] = useState('');
  const [seconds, setSeconds] = useState<number>(overlaps[0].seconds);
  const [copied, setCopied] = useState<'yes' | 'no'>();
  const expiries = config.oldSecrets?.expiresAt ?? [];
  const rotated = rotate.data?.data;
  const finish = () => {
    rotate.reset();
    setCopied(undefined);
    setGiven('');
    setOpen(false);
  };

  return (
    <section aria-labelledby="secrets-heading">
      <h2 id="secrets-heading">Secrets</h2>
      <p>
        {config.verification?.secretCount ?? 0} accepted
        {expiries.length > 0 && `; old ones until ${expiries.map(formatTime).join(', ')}`}
      </p>
      {rotated ? (
        <div role="status" aria-label="Rotated secret">
          <p>{rotate.data?.message}.</p>
          {rotated.secret !== undefined ? (
            <>
              <Field label="New secret" help="Shown this once: give it to the sender now. It cannot be read again.">
                <input readOnly value={rotated.secret} onFocus={(event) => event.currentTarget.select()} />
              </Field>
              <div className="actions">
                <button
                  type="button"
                  onClick={() =>
                    navigator.clipboard.writeText(rotated.secret ?? '').then(
                      () => setCopied('yes'),
                      () => setCopied('no'),
                    )
                  }
                >
                  Copy secret
                </button>
                {copied === 'yes' && <output>Copied</output>}
                {copied === 'no' && <output>The browser refused the clipboard: select the secret and copy it</output>}
              </div>
            </>
          ) : (
            <p>The secret you gave is now accepted.</p>
          )}
          <p className="muted">
            {rotated.oldSecretsExpireAt
              ? `Old secrets valid until ${formatTime(rotated.oldSecretsExpireAt)}.`
              : 'Old secrets dropped.'}
          </p>
          <button type="button" onClick={finish}>
            Done
          </button>
        </div>
      ) : open ? (
        <form
          aria-label="Rotate secret"
          onSubmit={(event) => {
            event.preventDefault();
            rotate.mutate({ id: config.id, secret: given, expiresInSeconds: seconds });
          }}
        >
          <Field label="Old secrets stay valid for">
            <select value={seconds} onChange={(event) => setSeconds(Number(event.target.value))}>
              {overlaps.map((overlap) => (
                <option key={overlap.seconds} value={overlap.seconds}>
                  {overlap.label}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Secret from the sender"
            help="Leave empty to have a strong one generated in the form this configuration needs."
          >
            <input type="password" autoComplete="off" value={given} onChange={(event) => setGiven(event.target.value)} />
          </Field>
          <div className="actions">
            <button type="submit" disabled={rotate.isPending}>
              Rotate
            </button>
            <button type="button" onClick={finish}>
              Cancel
            </button>
          </div>
          <ErrorMessage error={rotate.error} action="Could not rotate the secret" />
        </form>
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Rotate secret…
        </button>
      )}
    </section>
  );
}

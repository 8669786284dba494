import { useMutation, useQuery } from '@connectrpc/connect-query';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { WebHookConfigService } from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';
import { navigate } from '../ui/use-hash-route.js';
import { draftOf } from './config-draft.js';
import { ConfigForm } from './config-form.js';
import { DeliveryPauseButton, LimitsBadge, PausedBadge } from './delivery-pause-button.js';
import { ParkedKeysPanel } from './parked-keys-panel.js';
import { SecretRotationPanel } from './secret-rotation-panel.js';
import { SilenceBadge } from './silence-badge.js';
import { TestWebhookPanel } from './test-webhook-panel.js';

/** One configuration: its state, a test webhook, and its form. */
export function ConfigPage({ id }: { readonly id: bigint }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries();
  // The service's word on the last change that succeeded.
  const [notice, setNotice] = useState<string>();
  const changed = (answer: { message: string }) => {
    setNotice(answer.message);
    return refresh();
  };
  const query = useQuery(WebHookConfigService.method.getWebHookConfigById, { id });
  const update = useMutation(WebHookConfigService.method.updateWebHookConfig, { onSuccess: changed });
  const activate = useMutation(WebHookConfigService.method.activateWebHookConfig, { onSuccess: changed });
  const deactivate = useMutation(WebHookConfigService.method.deactivateWebHookConfig, { onSuccess: changed });
  const remove = useMutation(WebHookConfigService.method.deleteWebHookConfig, {
    onSuccess: async () => {
      await refresh();
      navigate('/configs');
    },
  });
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const config = query.data?.data;
  const toggle = config?.isEnabled ? deactivate : activate;

  return (
    <>
      <p>
        <a href="#/configs">← All configurations</a>
      </p>
      <h1>Configuration {config?.key ?? String(id)}</h1>
      <ErrorMessage error={query.error} action="Could not load the configuration" />
      {config && (
        <>
          <section aria-labelledby="state-heading">
            <h2 id="state-heading">State</h2>
            <p>
              <span className={`status status-${config.isEnabled ? 'succeeded' : 'stored'}`}>
                {config.isEnabled ? 'active' : 'inactive'}
              </span>{' '}
              <PausedBadge config={config} /> version {config.version}, updated {formatTime(config.updatedAt)}
              {config.refusedRequests && `; ${config.refusedRequests.total} requests refused`}
            </p>
            <p>
              <LimitsBadge config={config} /> <SilenceBadge config={config} />
            </p>
            <div className="actions">
              <button
                type="button"
                disabled={toggle.isPending}
                onClick={() => {
                  activate.reset();
                  deactivate.reset();
                  setNotice(undefined);
                  toggle.mutate({ id });
                }}
              >
                {config.isEnabled ? 'Deactivate' : 'Activate'}
              </button>
              <DeliveryPauseButton config={config} onDone={setNotice} />
              <button
                type="button"
                className="danger"
                onClick={() => {
                  remove.reset();
                  setConfirmingDelete(true);
                }}
              >
                Delete…
              </button>
            </div>
            <ErrorMessage error={activate.error ?? deactivate.error} action="Could not change the state" />
            <ErrorMessage error={remove.error} action="Could not delete" />
            {notice && <output className="notice">{notice}</output>}
            <ConfirmDialog
              open={confirmingDelete}
              title={`Delete ${config.key}?`}
              confirmLabel="Delete"
              onCancel={() => setConfirmingDelete(false)}
              onConfirm={() => {
                setConfirmingDelete(false);
                remove.mutate({ id });
              }}
            >
              <p>
                Calls to <code>/api/webhook/{config.path}</code> will be answered 404. Its stored events stay; the key can be used
                again.
              </p>
            </ConfirmDialog>
          </section>
          {config.orderingKey && <ParkedKeysPanel configId={id} />}
          {config.verification && <SecretRotationPanel config={config} />}
          <TestWebhookPanel config={config} />
          <section aria-labelledby="edit-heading">
            <h2 id="edit-heading">Edit</h2>
            <ConfigForm
              // A new version (saved here or elsewhere) starts the form again from what is stored.
              key={config.version}
              initial={draftOf(config)}
              mode="edit"
              storedSecretCount={config.verification?.secretCount ?? 0}
              submitLabel="Save changes"
              pending={update.isPending}
              error={update.error}
              onSubmit={(_key, fields) => update.mutate({ id, ...fields })}
            />
          </section>
        </>
      )}
    </>
  );
}

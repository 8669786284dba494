import { useMutation } from '@connectrpc/connect-query';
import { useQueryClient } from '@tanstack/react-query';
import { WebHookConfigService } from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { navigate } from '../ui/use-hash-route.js';
import { emptyDraft } from './config-draft.js';
import { ConfigForm } from './config-form.js';

export function NewConfigPage() {
  const queryClient = useQueryClient();
  const create = useMutation(WebHookConfigService.method.createWebHookConfig, {
    onSuccess: async (answer) => {
      await queryClient.invalidateQueries();
      navigate(`/configs/${answer.data?.id}`);
    },
  });
  return (
    <>
      <p>
        <a href="#/configs">← All configurations</a>
      </p>
      <h1>New configuration</h1>
      <ConfigForm
        initial={emptyDraft}
        mode="create"
        submitLabel="Create configuration"
        pending={create.isPending}
        error={create.error}
        onSubmit={(key, fields) => create.mutate({ key, ...fields })}
      />
    </>
  );
}

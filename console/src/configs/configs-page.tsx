import { useQuery } from '@connectrpc/connect-query';
import { useState } from 'react';
import { WebHookConfigService } from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';
import { targetKinds } from './config-draft.js';
import { DeliveryPauseButton, LimitsBadge, PausedBadge } from './delivery-pause-button.js';
import { ParkedKeysPanel } from './parked-keys-panel.js';
import { SilenceBadge } from './silence-badge.js';

/** Every configuration (the API's largest page), searchable by key, description and path. */
export function ConfigsPage() {
  const [searchText, setSearchText] = useState('');
  const list = useQuery(
    WebHookConfigService.method.getWebHookConfigList,
    { pageSize: 100, searchText },
    { placeholderData: (previous) => previous },
  );
  const page = list.data?.data;
  return (
    <>
      <h1>Configurations</h1>
      <div className="toolbar">
        <label className="inline">
          Search
          <input type="search" value={searchText} onChange={(event) => setSearchText(event.target.value)} />
        </label>
        <a className="button" href="#/configs/new">
          New configuration
        </a>
      </div>
      <ErrorMessage error={list.error} action="Could not load the configurations" />
      <table>
        <caption>{page ? `${page.totalCount} configurations` : 'Loading configurations…'}</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Request</th>
            <th scope="col">Runs</th>
            <th scope="col">Mode</th>
            <th scope="col">State</th>
            <th scope="col">Version</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((config) => (
            <tr key={String(config.id)}>
              <td>
                <a href={`#/configs/${config.id}`}>{config.key}</a>
                {config.description && <div className="muted">{config.description}</div>}
              </td>
              <td>
                <code>
                  {config.action} /api/webhook/{config.path}
                </code>
              </td>
              <td>{config.target.case ? targetKinds[config.target.case] : config.executionType}</td>
              <td>{config.responseMode || 'sync'}</td>
              <td>
                <span className={`status status-${config.isEnabled ? 'succeeded' : 'stored'}`}>
                  {config.isEnabled ? 'active' : 'inactive'}
                </span>
                {config.deliveryPausedAt && (
                  <div>
                    <PausedBadge config={config} /> <DeliveryPauseButton config={config} />
                  </div>
                )}
                <div>
                  <LimitsBadge config={config} />
                </div>
                <div>
                  <SilenceBadge config={config} />
                </div>
              </td>
              <td>{config.version}</td>
              <td>{formatTime(config.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ParkedKeysPanel />
    </>
  );
}

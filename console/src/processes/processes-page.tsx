import { useQuery } from '@connectrpc/connect-query';
import { useState } from 'react';
import { ProcessService } from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';

const instanceStatuses = ['RUNNING', 'WAITING', 'COMPLETED', 'ERROR', 'CANCELLED'] as const;

/** Deployed definitions and the newest instances. */
export function ProcessesPage() {
  const [status, setStatus] = useState('');
  const definitions = useQuery(ProcessService.method.getProcessDefinitionList, { pageSize: 100 });
  const instances = useQuery(
    ProcessService.method.getProcessInstanceList,
    { pageSize: 50, status },
    { refetchInterval: 5_000, placeholderData: (previous) => previous },
  );
  const names = new Map(definitions.data?.data?.items.map((definition) => [definition.id, definition.name]));
  return (
    <>
      <h1>Processes</h1>
      <section aria-labelledby="definitions-heading">
        <h2 id="definitions-heading">Definitions</h2>
        <ErrorMessage error={definitions.error} action="Could not load the definitions" />
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Version</th>
              <th scope="col">Process id</th>
              <th scope="col">Deployed</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {definitions.data?.data?.items.map((definition) => (
              <tr key={String(definition.id)}>
                <td>
                  <a href={`#/processes/definitions/${definition.id}`}>{definition.name}</a>
                  {definition.description && <div className="muted">{definition.description}</div>}
                </td>
                <td>{definition.version}</td>
                <td>
                  <code>{definition.processId}</code>
                </td>
                <td>{formatTime(definition.deployedAt)}</td>
                <td>{definition.deployedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="instances-heading">
        <h2 id="instances-heading">Instances</h2>
        <label className="inline">
          Status
          <select value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">any</option>
            {instanceStatuses.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <ErrorMessage error={instances.error} action="Could not load the instances" />
        <table>
          <caption>{instances.data?.data ? `${instances.data.data.totalCount} instances (newest 50 shown)` : 'Loading…'}</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Definition</th>
              <th scope="col">Status</th>
              <th scope="col">Now at</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {instances.data?.data?.items.map((instance) => (
              <tr key={String(instance.id)}>
                <td>
                  <a href={`#/processes/instances/${instance.id}`} aria-label={`Instance ${instance.id}`}>
                    {String(instance.id)}
                  </a>
                </td>
                <td>{names.get(instance.processDefinitionId) ?? String(instance.processDefinitionId)}</td>
                <td>
                  <span className={`status status-${instance.status.toLowerCase()}`}>{instance.status}</span>
                </td>
                <td>{instance.currentTaskName || instance.currentTaskId || '—'}</td>
                <td>{formatTime(instance.startedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

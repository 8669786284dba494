import { useQuery } from '@connectrpc/connect-query';
import { skipToken } from '@tanstack/react-query';
import { ProcessService } from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatJson, formatTime } from '../ui/format.js';
import { BpmnDiagram } from './bpmn-diagram.js';

const unfinished = new Set(['RUNNING', 'WAITING']);

/** One instance: where it is, where it has been (on its definition's diagram and as a table), its variables. */
export function InstancePage({ id }: { readonly id: bigint }) {
  const query = useQuery(
    ProcessService.method.getProcessInstanceById,
    { id },
    { refetchInterval: (current) => (unfinished.has(current.state.data?.data?.status ?? '') ? 2_000 : false) },
  );
  const instance = query.data?.data;
  const definition = useQuery(
    ProcessService.method.getProcessDefinitionById,
    instance ? { id: instance.processDefinitionId } : skipToken,
  );
  const current = instance
    ? [...new Set([instance.currentTaskId, ...instance.waitingTasks.map((task) => task.id)].filter(Boolean))]
    : [];
  const done = instance ? [...new Set(instance.history.map((activity) => activity.id))].filter((a) => !current.includes(a)) : [];
  return (
    <>
      <p>
        <a href="#/processes">← Processes</a>
      </p>
      <h1>Instance {String(id)}</h1>
      <ErrorMessage error={query.error} action="Could not load the instance" />
      {instance && (
        <>
          <dl className="fields">
            <div>
              <dt>Status</dt>
              <dd>
                <span className={`status status-${instance.status.toLowerCase()}`}>{instance.status}</span>
              </dd>
            </div>
            <div>
              <dt>Definition</dt>
              <dd>
                <a href={`#/processes/definitions/${instance.processDefinitionId}`}>
                  {definition.data?.data?.name ?? String(instance.processDefinitionId)}
                </a>
              </dd>
            </div>
            <div>
              <dt>Waiting at</dt>
              <dd>{instance.waitingTasks.map((task) => task.name || task.id).join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{formatTime(instance.startedAt)}</dd>
            </div>
            <div>
              <dt>Completed</dt>
              <dd>{formatTime(instance.completedAt)}</dd>
            </div>
          </dl>
          {instance.errors.length > 0 && (
            <ul className="errors">
              {instance.errors.map((error) => (
                <li key={error}>{error}</li>
              ))}
            </ul>
          )}
          <ErrorMessage error={definition.error} action="Could not load the definition's diagram" />
          {definition.data?.data && (
            <BpmnDiagram
              xml={definition.data.data.bpmnXml}
              label={`Diagram of ${definition.data.data.name}, with the activities this instance passed and where it is now`}
              done={done}
              current={current}
            />
          )}
          <h2>Activities</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Activity</th>
                <th scope="col">Type</th>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {instance.history.map((activity, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: an activity may run more than once; the history's order is its identity
                <tr key={index}>
                  <td>{activity.name || activity.id}</td>
                  <td>{activity.type}</td>
                  <td>{formatTime(activity.startedAt)}</td>
                  <td>{formatTime(activity.endedAt)}</td>
                  <td>{activity.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Variables</h2>
          <pre>{formatJson(instance.variables ?? {})}</pre>
        </>
      )}
    </>
  );
}

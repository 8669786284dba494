import type { MessageInitShape } from '@bufbuild/protobuf';
import { useMutation, useQuery } from '@connectrpc/connect-query';
import { useId, useState } from 'react';
import type { ConfigDryRun, ProcessDryRunPath } from '../../../gen/bpm/webhooks/v1/config_dry_run_pb.js';
import { ProcessService } from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import {
  type CreateWebHookConfigCommandSchema,
  WebHookConfigService,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { jsonOf } from '../events/trace-timeline.js';
import { BpmnDiagram } from '../processes/bpmn-diagram.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatDuration, formatJson } from '../ui/format.js';
import { DraftProblem } from './config-draft.js';

type Draft = MessageInitShape<typeof CreateWebHookConfigCommandSchema>;

interface DryRunPanelProps {
  /** The configuration to try as it is now in the form (throws DraftProblem when it cannot be read). */
  readonly draft: () => Draft;
  /** A process's diagram to draw the path on; without it, the draft's definition is fetched. */
  readonly bpmnXml?: string;
}

/**
 * A dry run (TestWebHookConfigCommand): the draft runs against a stored event or a pasted body, and
 * nothing is stored, no command runs. A script's result, logs and recorded commands are shown; a
 * process's path is listed with each condition's value, and drawn on its diagram.
 */
export function DryRunPanel({ draft, bpmnXml }: DryRunPanelProps) {
  const [eventId, setEventId] = useState('');
  const [body, setBody] = useState('{\n  "amount": 2500\n}');
  const [problem, setProblem] = useState<string>();
  const run = useMutation(WebHookConfigService.method.testWebHookConfig);
  const headingId = useId();
  const tryIt = () => {
    setProblem(undefined);
    run.reset();
    try {
      const event = eventId.trim().replace(/^#/, '');
      if (event !== '' && !/^\d+$/.test(event)) throw new DraftProblem('The event number must be a number');
      run.mutate({ draft: draft(), ...(event === '' ? { body } : { eventId: BigInt(event) }) });
    } catch (caught) {
      if (!(caught instanceof DraftProblem)) throw caught;
      setProblem(caught.message);
    }
  };
  return (
    <section aria-labelledby={headingId} className="dry-run">
      <h3 id={headingId}>Dry run</h3>
      <p className="muted">Runs this draft without effects: nothing is stored and no command runs (doCmd calls are listed).</p>
      <label className="inline">
        Try with event #
        <input inputMode="numeric" value={eventId} onChange={(event) => setEventId(event.target.value)} size={8} />
      </label>
      <label>
        <span>or with this body</span>
        <textarea className="code" rows={4} value={body} onChange={(event) => setBody(event.target.value)} spellCheck={false} />
      </label>
      <button type="button" onClick={tryIt} disabled={run.isPending}>
        {run.isPending ? 'Trying…' : 'Try it'}
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorMessage error={run.error} action="The dry run was refused" />
      {run.data?.data && <DryRunResult run={run.data.data} draft={draft} bpmnXml={bpmnXml} />}
    </section>
  );
}

function DryRunResult({ run, draft, bpmnXml }: { readonly run: ConfigDryRun } & DryRunPanelProps) {
  return (
    <div aria-live="polite" className="answer" data-testid="dry-run-result">
      <p>
        <strong data-testid="dry-run-status">{run.success ? 'succeeded' : 'failed'}</strong> in {formatDuration(run.durationMs)}
        {run.path && ` — ${pathWords(run.path)}`}
      </p>
      {run.errors.length > 0 && (
        <ul className="errors" aria-label="Dry run errors">
          {run.errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
      {run.correlation && (
        <p data-testid="dry-run-correlation">
          Key <code>{run.correlation.correlationKey}</code>:{' '}
          {run.correlation.instanceId !== undefined
            ? `would reach instance ${run.correlation.instanceId}`
            : run.correlation.wouldStartInstance
              ? 'no instance waits; the message start event would start one'
              : 'no single instance would receive it'}
        </p>
      )}
      {run.path && <PathOnDiagram path={run.path} draft={draft} bpmnXml={bpmnXml} />}
      {run.kind !== 'correlate' && (
        <>
          <h4>{run.path ? 'Variables where it stopped' : 'Result'}</h4>
          <pre data-testid="dry-run-value">{formatJson(jsonOf(run.result))}</pre>
        </>
      )}
      {run.logs.length > 0 && (
        <pre data-testid="dry-run-logs">{run.logs.map((line) => `${line.level}: ${line.message}`).join('\n')}</pre>
      )}
      {run.commands.length > 0 && (
        <ul aria-label="Commands recorded, not run">
          {run.commands.map((command, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same command may be asked for twice
            <li key={index}>
              {command.commandName} (not run){command.activityId && ` at ${command.activityId}`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The draft's process definition, when the form can be read now (it may have changed since the run). */
function definitionOf(draft: () => Draft): bigint | number | undefined {
  try {
    const { target } = draft();
    return target?.case === 'process' ? target.value.definitionId : undefined;
  } catch {
    return undefined;
  }
}

function pathWords(path: ProcessDryRunPath): string {
  switch (path.status) {
    case 'COMPLETED':
      return 'the process reached its end';
    case 'WAITING':
      return `it would wait at ${path.stoppedAt}`;
    case 'SERVICE_TASK':
      return `it stopped before the command of ${path.stoppedAt}`;
    default:
      return 'the process failed';
  }
}

/** The flows leaving each activity that ran, with their conditions' values, and the path drawn on the diagram. */
function PathOnDiagram({ path, draft, bpmnXml }: { readonly path: ProcessDryRunPath } & DryRunPanelProps) {
  const definitionId = bpmnXml === undefined ? definitionOf(draft) : undefined;
  const definition = useQuery(
    ProcessService.method.getProcessDefinitionById,
    { id: BigInt(definitionId ?? 0) },
    { enabled: definitionId !== undefined },
  );
  const xml = bpmnXml ?? definition.data?.data?.bpmnXml;
  const done = [
    ...path.activities.filter((activity) => activity.outcome === 'completed').map((activity) => activity.id),
    ...path.flows.filter((flow) => flow.taken).map((flow) => flow.id),
  ];
  return (
    <>
      <table aria-label="Sequence flows">
        <thead>
          <tr>
            <th>Flow</th>
            <th>From → to</th>
            <th>Condition</th>
            <th>Value</th>
            <th>Taken</th>
          </tr>
        </thead>
        <tbody>
          {path.flows.map((flow) => (
            <tr key={`${flow.sourceId}-${flow.id}`}>
              <td>{flow.name || flow.id}</td>
              <td>
                {flow.sourceId} → {flow.targetId}
              </td>
              <td>{flow.condition ? <code>{flow.condition}</code> : flow.isDefault ? 'default' : ''}</td>
              <td>{flow.conditionValue === undefined ? '' : formatJson(jsonOf(flow.conditionValue))}</td>
              <td>{flow.taken ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {xml && <BpmnDiagram xml={xml} label="The dry run's path" done={done} current={path.stoppedAt ? [path.stoppedAt] : []} />}
    </>
  );
}

import { useQuery } from '@connectrpc/connect-query';
import { ProcessService } from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import { formatTime } from '../ui/format.js';
import { DryRunPanel } from '../configs/dry-run-panel.js';
import { BpmnDiagram } from './bpmn-diagram.js';

export function DefinitionPage({ id }: { readonly id: bigint }) {
  const query = useQuery(ProcessService.method.getProcessDefinitionById, { id });
  const definition = query.data?.data;
  return (
    <>
      <p>
        <a href="#/processes">← Processes</a>
      </p>
      <h1>{definition ? `${definition.name} (version ${definition.version})` : `Definition ${id}`}</h1>
      <ErrorMessage error={query.error} action="Could not load the definition" />
      {definition && (
        <>
          <p className="muted">
            Process <code>{definition.processId}</code>, deployed {formatTime(definition.deployedAt)} by {definition.deployedBy}.{' '}
            {definition.description}
          </p>
          <BpmnDiagram xml={definition.bpmnXml} label={`Diagram of ${definition.name}`} />
          <DryRunPanel
            draft={() => ({ target: { case: 'process', value: { definitionId: id } } })}
            bpmnXml={definition.bpmnXml}
          />
          <details>
            <summary>BPMN XML</summary>
            <pre>{definition.bpmnXml}</pre>
          </details>
        </>
      )}
    </>
  );
}

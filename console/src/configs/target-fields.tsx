import { useQuery } from '@connectrpc/connect-query';
import { CommandService } from '../../../gen/bpm/webhooks/v1/command_service_pb.js';
import type { ConfigDraft, SetField } from './config-draft.js';
import { Field } from './field.js';

interface TargetFieldsProps {
  readonly draft: ConfigDraft;
  readonly set: SetField;
  /** The service's sentences about the script, shown beside it. */
  readonly scriptErrors: readonly string[];
}

/** The form section of the target's kind: one per case of the `target` oneof. */
export function TargetFields({ draft, set, scriptErrors }: TargetFieldsProps) {
  switch (draft.kind) {
    case 'native':
      return <NativeCommandFields draft={draft} set={set} />;
    case 'chain':
      return (
        <Field label="Command chain" help='JSON: [{"commandName": "...", "parameters": {...}}, ...], run in order.'>
          <textarea className="code" rows={8} value={draft.commandChain} onChange={set('commandChain')} spellCheck={false} />
        </Field>
      );
    case 'script':
      return <ScriptFields draft={draft} set={set} scriptErrors={scriptErrors} />;
    case 'process':
      return <StartProcessFields draft={draft} set={set} />;
    default:
      return draft.kind satisfies never;
  }
}

function NativeCommandFields({ draft, set }: Omit<TargetFieldsProps, 'scriptErrors'>) {
  const commands = useQuery(CommandService.method.getCommandList, { runnableFromWebhook: true });
  return (
    <Field label="Command name">
      <input list="webhook-commands" value={draft.commandName} onChange={set('commandName')} required />
      <datalist id="webhook-commands">
        {commands.data?.data.map((command) => (
          <option key={command.name} value={command.name}>
            {command.description}
          </option>
        ))}
      </datalist>
    </Field>
  );
}

function ScriptFields({ draft, set, scriptErrors }: TargetFieldsProps) {
  return (
    <>
      <Field
        label="Script"
        help="A JavaScript function body: body, context, doCmd(name, data) and console are in scope; return gives the result."
      >
        <textarea
          className="code"
          rows={14}
          value={draft.executionCode}
          onChange={set('executionCode')}
          spellCheck={false}
          aria-invalid={scriptErrors.length > 0}
          aria-errormessage={scriptErrors.length > 0 ? 'script-errors' : undefined}
        />
      </Field>
      {scriptErrors.length > 0 && (
        <ul id="script-errors" className="errors" aria-label="Script errors">
          {scriptErrors.map((scriptError) => (
            <li key={scriptError}>{scriptError}</li>
          ))}
        </ul>
      )}
    </>
  );
}

/** A process started by the webhook, or reached by it as a correlated message (its name and the body's key). */
function StartProcessFields({ draft, set }: Omit<TargetFieldsProps, 'scriptErrors'>) {
  return (
    <>
      <Field label="Process definition id">
        <input inputMode="numeric" value={draft.processDefinitionId} onChange={set('processDefinitionId')} required />
      </Field>
      <Field
        label="Process action"
        help="start runs a new instance with the body as variables; correlate delivers the body as a message to the instance waiting for it."
      >
        <select value={draft.processAction} onChange={set('processAction')}>
          <option>start</option>
          <option>correlate</option>
        </select>
      </Field>
      {draft.processAction === 'correlate' && (
        <>
          <Field label="Message name" help="The BPMN message (its name, else its id) the instance waits for.">
            <input value={draft.messageName} onChange={set('messageName')} required />
          </Field>
          <Field label="Correlation key" help='A JSON pointer into the body to the key, e.g. "/data/mandateRef".'>
            <input value={draft.correlationKey} onChange={set('correlationKey')} required />
          </Field>
        </>
      )}
    </>
  );
}

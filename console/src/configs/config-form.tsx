import { type FormEvent, useState } from 'react';
import { configurableSchemes } from '../../../src/domain/proto-lists.js';
import { errorWords } from '../api/error-words.js';
import { ErrorMessage } from '../ui/error-message.js';
import {
  type ConfigDraft,
  DraftProblem,
  draftExecution,
  draftFields,
  type SetField,
  type TargetKind,
  targetKinds,
} from './config-draft.js';
import { executionTargetKinds } from '../../../src/domain/execution-target.js';
import { DryRunPanel } from './dry-run-panel.js';
import { Field } from './field.js';
import { SourceFields } from './source-fields.js';
import { TargetFields } from './target-fields.js';

type Fields = ReturnType<typeof draftFields>;

interface ConfigFormProps {
  readonly initial: ConfigDraft;
  /** On create the key is editable; on edit it is fixed and secrets are kept unless retyped. */
  readonly mode: 'create' | 'edit';
  readonly storedSecretCount?: number;
  readonly submitLabel: string;
  readonly pending: boolean;
  readonly error: unknown;
  readonly onSubmit: (key: string, fields: Fields) => void;
}

const actions = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** Which of the service's validation sentences are about the script, to show them beside it. */
const scriptProblem = /code|syntax/i;

/** A configuration's fields, with the one execution field its type uses, and the service's verdict in words. */
export function ConfigForm({ initial, mode, storedSecretCount, submitLabel, pending, error, onSubmit }: ConfigFormProps) {
  const [draft, setDraft] = useState(initial);
  const [verificationTouched, setVerificationTouched] = useState(false);
  const [problem, setProblem] = useState<string>();
  const set: SetField =
    <K extends keyof ConfigDraft>(field: K, parse: (value: string) => ConfigDraft[K] = (value) => value as ConfigDraft[K]) =>
    (event: { target: { value: string } }) => {
      if (field.startsWith('verification')) setVerificationTouched(true);
      setDraft({ ...draft, [field]: parse(event.target.value) });
    };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    try {
      const verifies = draft.verificationScheme !== '' || draft.source !== '';
      onSubmit(draft.key, draftFields(draft, mode === 'create' ? verifies : verificationTouched));
    } catch (caught) {
      if (!(caught instanceof DraftProblem)) throw caught;
      setProblem(caught.message);
    }
  };
  const secretHelp =
    mode === 'edit' && storedSecretCount
      ? `${storedSecretCount} secret(s) stored; never shown. Type one to replace them.`
      : 'Write-only: never shown again.';
  const scriptErrors = error && draft.kind === 'script' ? errorWords(error).errors.filter((e) => scriptProblem.test(e)) : [];

  return (
    <form onSubmit={submit} className="config-form" aria-label="Configuration">
      <fieldset>
        <legend>Route</legend>
        <Field label="Key" help={mode === 'edit' ? 'The key cannot change.' : 'Unique; also matches /api/webhook/<key>.'}>
          <input value={draft.key} onChange={set('key')} readOnly={mode === 'edit'} required />
        </Field>
        <Field label="Description">
          <input value={draft.description} onChange={set('description')} />
        </Field>
        <Field label="Path" help="Called as /api/webhook/<path>.">
          <input value={draft.path} onChange={set('path')} required />
        </Field>
        <Field label="Method">
          <select value={draft.action} onChange={set('action')}>
            {actions.map((action) => (
              <option key={action}>{action}</option>
            ))}
          </select>
        </Field>
        <Field label="Allowed caller IPs" help="Comma-separated addresses and CIDR ranges; empty allows any caller.">
          <input value={draft.allowableIps} onChange={set('allowableIps')} />
        </Field>
      </fieldset>

      <fieldset>
        <legend>Execution</legend>
        <Field label="Execution type">
          <select value={draft.kind} onChange={set('kind', (value) => value as TargetKind)}>
            {Object.entries(targetKinds).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {executionTargetKinds[kind as TargetKind].code}: {label}
              </option>
            ))}
          </select>
        </Field>
        <TargetFields draft={draft} set={set} scriptErrors={scriptErrors} />
        {(draft.kind === 'script' || draft.kind === 'process') && <DryRunPanel draft={() => draftExecution(draft)} />}
        <Field label="Response mode" help="sync answers with the result; async answers 202 and runs with retries.">
          <select value={draft.responseMode} onChange={set('responseMode')}>
            <option>sync</option>
            <option>async</option>
          </select>
        </Field>
        <Field label="Timeout (ms)" help="Empty: the service's limit.">
          <input inputMode="numeric" value={draft.timeoutMs} onChange={set('timeoutMs')} />
        </Field>
        <Field label="Max attempts" help="Async only; empty: the service's default.">
          <input inputMode="numeric" value={draft.maxAttempts} onChange={set('maxAttempts')} />
        </Field>
        <Field label="Idempotency key" help='"header:<name>" or "body:<json-pointer>"; empty: Idempotency-Key or webhook-id.'>
          <input value={draft.idempotencyKey} onChange={set('idempotencyKey')} />
        </Field>
        <Field
          label="Expected every"
          help='How often a webhook must arrive, e.g. "PT15M" or seconds; longer without one, the configuration is flagged silent. Empty: no expectation.'
        >
          <input value={draft.expectedEvery} onChange={set('expectedEvery')} />
        </Field>
      </fieldset>

      <fieldset>
        <legend>Verification</legend>
        <SourceFields draft={draft} set={set} secretHelp={secretHelp} />
        {!draft.source && (
          <Field label="Scheme">
            <select value={draft.verificationScheme} onChange={set('verificationScheme')}>
              <option value="">none</option>
              {configurableSchemes.map((scheme) => (
                <option key={scheme}>{scheme}</option>
              ))}
            </select>
          </Field>
        )}
        {draft.verificationScheme && !draft.source && (
          <>
            <Field label="Secret" help={secretHelp}>
              <input type="password" autoComplete="off" value={draft.verificationSecret} onChange={set('verificationSecret')} />
            </Field>
            <Field label="Header" help="The header carrying the signature or credential (empty: the scheme's default).">
              <input value={draft.verificationHeader} onChange={set('verificationHeader')} />
            </Field>
            <Field label="Signature prefix" help='Text before the signature in the header, e.g. "sha256=".'>
              <input value={draft.verificationPrefix} onChange={set('verificationPrefix')} />
            </Field>
            <Field label="Signature encoding">
              <select value={draft.verificationEncoding} onChange={set('verificationEncoding')}>
                <option value="">hex (default)</option>
                <option value="hex">hex</option>
                <option value="base64">base64</option>
              </select>
            </Field>
            <Field label="Tolerance (seconds)" help="Maximum age of a timestamped signature; empty: 300.">
              <input
                inputMode="numeric"
                value={draft.verificationToleranceSeconds}
                onChange={set('verificationToleranceSeconds')}
              />
            </Field>
          </>
        )}
      </fieldset>

      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorMessage error={error} action="The service refused the configuration" />
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}

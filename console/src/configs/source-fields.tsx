import type { ReactNode } from 'react';
import { useQuery } from '@connectrpc/connect-query';
import { SourceCatalogService, type SourceCatalogEntry } from '../../../gen/bpm/webhooks/v1/source_catalog_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';
import type { ConfigDraft, SetField } from './config-draft.js';
import { Field } from './field.js';

/**
 * The source picker: a catalog source (GetSourceCatalogQuery) instead of a spelled-out verification.
 * Once one is chosen, what it needs is shown (what to paste, the header checked, what is signed, the
 * dedup key, its documented caller addresses) and only its secret is asked for.
 */
export function SourceFields({
  draft,
  set,
  secretHelp,
}: {
  readonly draft: ConfigDraft;
  readonly set: SetField;
  /** What the secret field says about stored secrets (edit) or write-only (create). */
  readonly secretHelp: string;
}) {
  const catalog = useQuery(SourceCatalogService.method.getSourceCatalog, {});
  const entries = catalog.data?.data ?? [];
  const entry = entries.find((candidate) => candidate.name === draft.source);
  return (
    <>
      <Field label="Source" help="A sender from the catalog: its scheme, header, dedup key and caller addresses come with it.">
        <select value={draft.source} onChange={set('source')}>
          <option value="">none: spell out the verification</option>
          {entries.map((candidate) => (
            <option key={candidate.name} value={candidate.name}>
              {candidate.title}
            </option>
          ))}
          {draft.source && !entry && !catalog.isPending && (
            <option value={draft.source}>{draft.source} (not in the catalog)</option>
          )}
        </select>
      </Field>
      <ErrorMessage error={catalog.error} action="Could not load the source catalog" />
      {entry && <SourceNeeds entry={entry} />}
      {entry?.scheme && (
        <Field label="Secret" help={`${entry.secret} ${secretHelp}`}>
          <input type="password" autoComplete="off" value={draft.verificationSecret} onChange={set('verificationSecret')} />
        </Field>
      )}
    </>
  );
}

/** What a source needs and checks, as the catalog says. */
function SourceNeeds({ entry }: { readonly entry: SourceCatalogEntry }) {
  const header = entry.header ? (
    <code>{entry.header}</code>
  ) : entry.scheme ? (
    `its own (${entry.scheme})`
  ) : (
    'none: nothing is signed'
  );
  const dedupKey = entry.dedupKey.length > 0 ? <code>{entry.dedupKey.join(' + ')}</code> : 'the SHA-256 of the raw body';
  const callers = entry.callerIps ? <code>{entry.callerIps}</code> : 'none published: any caller, unless you set allowed IPs';
  return (
    <dl className="fields" aria-label={`What ${entry.title} needs`}>
      <Need name="Header checked" testId="source-header">
        {header}
      </Need>
      <Need name="Signs">{entry.signs}</Need>
      <Need name="Dedup key" testId="source-dedup-key">
        {dedupKey}
      </Need>
      <Need name="Caller addresses">{callers}</Need>
    </dl>
  );
}

function Need({ name, testId, children }: { readonly name: string; readonly testId?: string; readonly children: ReactNode }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

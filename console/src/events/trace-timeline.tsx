import { type JsonObject, type JsonValue, toJson } from '@bufbuild/protobuf';
import { timestampDate, type Value, ValueSchema } from '@bufbuild/protobuf/wkt';
import type { WebhookEvent, WebhookEventAttempt } from '../../../gen/bpm/webhooks/v1/webhook_event_pb.js';
import { formatDuration, formatJson, formatTime } from '../ui/format.js';

/** The decisions taken on the way in, in the order the inbox takes them. */
const admissionSteps = [
  { name: 'match', label: 'Match' },
  { name: 'ip', label: 'Caller IP' },
  { name: 'verification', label: 'Verification' },
  { name: 'dedup', label: 'Deduplication' },
] as const;

type Entry =
  | { readonly kind: 'step'; readonly label: string; readonly detail: JsonValue }
  | { readonly kind: 'replay'; readonly at: number; readonly detail: JsonObject }
  | { readonly kind: 'attempt'; readonly at: number; readonly attempt: WebhookEventAttempt };
type TimedEntry = Extract<Entry, { at: number }>;

/**
 * The event's journey as one ordered list: the admission decisions, then the attempts and replays
 * by time (a replay sits between the attempts it separates).
 */
export function TraceTimeline({ event }: { readonly event: WebhookEvent }) {
  const trace = (event.trace ?? {}) as JsonObject;
  const steps: Entry[] = admissionSteps
    .filter((step) => trace[step.name] !== undefined)
    .map((step) => ({ kind: 'step', label: step.label, detail: trace[step.name]! }));
  const replays = (Array.isArray(trace.replays) ? trace.replays : []).map(
    (detail): TimedEntry => ({
      kind: 'replay',
      at: Date.parse(String((detail as JsonObject).at ?? '')) || 0,
      detail: detail as JsonObject,
    }),
  );
  const attempts = event.attempts.map(
    (attempt): TimedEntry => ({
      kind: 'attempt',
      at: attempt.startedAt ? timestampDate(attempt.startedAt).getTime() : 0,
      attempt,
    }),
  );
  const later = [...replays, ...attempts].sort((a, b) => a.at - b.at);
  return (
    <ol className="timeline" aria-label="Decision trace">
      {[...steps, ...later].map((entry, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is rebuilt whole; its order is its identity
        <li key={index} className={`timeline-${entry.kind}`}>
          <TimelineEntry entry={entry} />
        </li>
      ))}
    </ol>
  );
}

function TimelineEntry({ entry }: { readonly entry: Entry }) {
  switch (entry.kind) {
    case 'step':
      return (
        <>
          <h3>{entry.label}</h3>
          <StepSummary detail={entry.detail} />
        </>
      );
    case 'replay':
      return (
        <>
          <h3>Replayed</h3>
          <pre>{formatJson(entry.detail)}</pre>
        </>
      );
    case 'attempt':
      return <AttemptEntry attempt={entry.attempt} />;
    default:
      return entry satisfies never;
  }
}

/** A decision's fields as a definition list: passed or not is what the reader looks for first. */
function StepSummary({ detail }: { readonly detail: JsonValue }) {
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return <pre>{formatJson(detail)}</pre>;
  return (
    <dl className="fields">
      {Object.entries(detail).map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{typeof value === 'object' && value !== null ? formatJson(value) : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function AttemptEntry({ attempt }: { readonly attempt: WebhookEventAttempt }) {
  const logs = jsonOf(attempt.logs);
  const steps = jsonOf(attempt.steps);
  return (
    <>
      <h3>
        Attempt {attempt.attempt}: <span className={`status status-${attempt.outcome}`}>{attempt.outcome}</span>
      </h3>
      <p className="muted">
        Started {formatTime(attempt.startedAt)}, took {formatDuration(attempt.durationMs)}, by {attempt.worker}
        {attempt.configVersion !== undefined && `, configuration version ${attempt.configVersion}`}
      </p>
      {attempt.errors.length > 0 && (
        <ul className="errors" aria-label={`Errors of attempt ${attempt.attempt}`}>
          {attempt.errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
      {isPresent(logs) && (
        <details>
          <summary>Logs</summary>
          <pre>{formatJson(logs)}</pre>
        </details>
      )}
      {isPresent(steps) && (
        <details>
          <summary>Steps and commands</summary>
          <pre>{formatJson(steps)}</pre>
        </details>
      )}
    </>
  );
}

export function jsonOf(value: Value | undefined): JsonValue | undefined {
  return value === undefined ? undefined : toJson(ValueSchema, value);
}

function isPresent(value: JsonValue | undefined): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

import { useQuery } from '@connectrpc/connect-query';
import { WebHookConfigService } from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { eventStatuses } from '../../../src/domain/proto-lists.js';

export interface EventFilter {
  readonly key: string;
  readonly source: string;
  readonly status: string;
  /** datetime-local values, in the reader's time zone; empty when unset. */
  readonly from: string;
  readonly to: string;
  /** Text the raw body must contain (case-sensitive); empty when unset. */
  readonly body: string;
}

export const noFilter: EventFilter = { key: '', source: '', status: '', from: '', to: '', body: '' };

/** The API's bound on the body search (GetWebhookEventListQuery.body_contains). */
const maxBodyTextChars = 200;

export const sources = ['router', 'mono', 'remita-payment', 'remita-collection'] as const;

/** The filter as the list and replay commands take it. */
export function filterFields(filter: EventFilter) {
  return {
    key: filter.key,
    source: filter.source,
    status: filter.status,
    bodyContains: filter.body,
    ...(toTimestamp(filter.from) && { receivedFrom: toTimestamp(filter.from) }),
    ...(toTimestamp(filter.to) && { receivedTo: toTimestamp(filter.to) }),
  };
}

/** A datetime-local value (the reader's time zone) as a Timestamp; undefined while it is not a whole date. */
function toTimestamp(local: string) {
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : { seconds: BigInt(Math.floor(ms / 1000)), nanos: 0 };
}

/** The list's filters; every change applies at once. */
export function EventFilters({
  filter,
  onChange,
}: {
  readonly filter: EventFilter;
  readonly onChange: (f: EventFilter) => void;
}) {
  // The configuration keys to pick from (needs webhooks:read; without it, the key can still be typed).
  const configs = useQuery(WebHookConfigService.method.lookupWebHookByKey, { key: '' });
  const set = (field: keyof EventFilter) => (event: { target: { value: string } }) =>
    onChange({ ...filter, [field]: event.target.value });
  return (
    <fieldset className="filters">
      <legend>Filters</legend>
      <label>
        Configuration key
        <input list="config-keys" value={filter.key} onChange={set('key')} placeholder="any" />
        <datalist id="config-keys">
          {configs.data?.data.map((config) => (
            <option key={String(config.id)} value={config.key} />
          ))}
        </datalist>
      </label>
      <label>
        Source
        <select value={filter.source} onChange={set('source')}>
          <option value="">any</option>
          {sources.map((source) => (
            <option key={source}>{source}</option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select value={filter.status} onChange={set('status')}>
          <option value="">any</option>
          {eventStatuses.map((status) => (
            <option key={status}>{status}</option>
          ))}
        </select>
      </label>
      <label>
        Received from
        <input type="datetime-local" step={1} value={filter.from} onChange={set('from')} />
      </label>
      <label>
        Received before
        <input type="datetime-local" step={1} value={filter.to} onChange={set('to')} />
      </label>
      {/* The help is beside the label, not in it: the input's name stays "Text in the body". */}
      <div className="with-help">
        <label>
          Text in the body
          <input
            type="search"
            value={filter.body}
            onChange={set('body')}
            maxLength={maxBodyTextChars}
            placeholder="any"
            aria-describedby="body-filter-help"
          />
        </label>
        <span id="body-filter-help" className="help">
          Exact text, case-sensitive
        </span>
      </div>
      <button type="button" onClick={() => onChange(noFilter)}>
        Clear filters
      </button>
    </fieldset>
  );
}

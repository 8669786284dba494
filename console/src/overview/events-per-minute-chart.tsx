import { useQuery } from '@connectrpc/connect-query';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { WebhookEventService } from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { ErrorMessage } from '../ui/error-message.js';

const minuteMs = 60_000;
/** The service's default window: the last hour (61 minutes counting the current, partial one). */
const windowMinutes = 60;

/** The drawn series; each has its own colour and dash pattern, so none is told apart by colour alone. */
const series = [
  { name: 'accepted', label: 'Accepted', color: '#0b3d7a', dash: '' },
  { name: 'failed', label: 'Failed', color: '#8a5300', dash: '6 3' },
  { name: 'dead', label: 'Dead', color: '#a3161b', dash: '2 3' },
] as const;

type Counts = Record<(typeof series)[number]['name'], number>;

const width = 600;
const height = 160;
const margin = { top: 10, right: 10, bottom: 22, left: 36 };

/** Accepted, failed and dead events per minute over the last hour, as a line chart with a table beside it. */
export function EventsPerMinuteChart({ refreshMs }: { readonly refreshMs: number }) {
  const counts = useQuery(WebhookEventService.method.getWebhookEventCountsByMinute, {}, { refetchInterval: refreshMs });
  const minutes = fillMinutes(counts.data?.data?.buckets ?? [], Date.now());
  const top = Math.max(1, ...minutes.flatMap((minute) => series.map((s) => minute.counts[s.name])));
  const x = (index: number) => margin.left + (index / windowMinutes) * (width - margin.left - margin.right);
  const y = (value: number) => margin.top + (1 - value / top) * (height - margin.top - margin.bottom);
  const totals = Object.fromEntries(
    series.map((s) => [s.name, minutes.reduce((sum, minute) => sum + minute.counts[s.name], 0)]),
  ) as Counts;
  const busy = minutes.filter((minute) => series.some((s) => minute.counts[s.name] > 0));
  return (
    <section aria-labelledby="per-minute-heading">
      <h2 id="per-minute-heading">Events per minute, last hour</h2>
      <ErrorMessage error={counts.error} action="Could not count the events per minute" />
      <svg
        className="chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="per-minute-title"
        aria-describedby="per-minute-desc"
      >
        <title id="per-minute-title">Events per minute over the last hour</title>
        <desc id="per-minute-desc">
          {`In the last hour: ${series.map((s) => `${totals[s.name]} ${s.name}`).join(', ')}; at most ${top} in one minute. The table below lists each minute.`}
        </desc>
        <line x1={margin.left} x2={width - margin.right} y1={y(0)} y2={y(0)} stroke="#888" />
        <text x={margin.left - 4} y={y(top) + 4} textAnchor="end" fontSize="11">
          {top}
        </text>
        <text x={margin.left - 4} y={y(0) + 4} textAnchor="end" fontSize="11">
          0
        </text>
        <text x={x(0)} y={height - 6} fontSize="11">
          60 min ago
        </text>
        <text x={x(windowMinutes)} y={height - 6} textAnchor="end" fontSize="11">
          now
        </text>
        {series.map((s) => (
          <polyline
            key={s.name}
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={s.dash || undefined}
            points={minutes.map((minute, index) => `${x(index)},${y(minute.counts[s.name])}`).join(' ')}
          />
        ))}
      </svg>
      <ul className="legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.name}>
            <svg width="24" height="8" aria-hidden="true">
              <line x1="0" x2="24" y1="4" y2="4" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash || undefined} />
            </svg>{' '}
            {s.label} ({totals[s.name]})
          </li>
        ))}
      </ul>
      <details>
        <summary>The counts as a table</summary>
        <table data-testid="per-minute-table">
          <caption>
            {busy.length === 0 ? 'No events in the last hour.' : 'Minutes with events, oldest first (others had none).'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Minute</th>
              {series.map((s) => (
                <th scope="col" key={s.name}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {busy.map((minute) => (
              <tr key={minute.start.getTime()}>
                <th scope="row">{minute.start.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}</th>
                {series.map((s) => (
                  <td key={s.name}>{minute.counts[s.name]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

/** Every minute of the window, oldest first, with zeros where the service left a minute out. */
function fillMinutes(
  buckets: readonly { minute?: Parameters<typeof timestampDate>[0]; accepted: number; failed: number; dead: number }[],
  now: number,
): { start: Date; counts: Counts }[] {
  const byMinute = new Map(
    buckets.flatMap((bucket) => (bucket.minute ? [[timestampDate(bucket.minute).getTime(), bucket] as const] : [])),
  );
  const current = Math.floor(now / minuteMs) * minuteMs;
  return Array.from({ length: windowMinutes + 1 }, (_, index) => {
    const start = current - (windowMinutes - index) * minuteMs;
    const bucket = byMinute.get(start);
    return {
      start: new Date(start),
      counts: { accepted: bucket?.accepted ?? 0, failed: bucket?.failed ?? 0, dead: bucket?.dead ?? 0 },
    };
  });
}

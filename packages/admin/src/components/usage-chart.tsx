import type { ApiKeyUsage } from '@payment-gateway/contract';

const BAR = 4;
const HEIGHT = 80;

/** Sums hourly buckets into UTC days, oldest first. */
export function usageByDay(usage: ApiKeyUsage): { day: string; accepted: number; refused: number }[] {
  const days = new Map<string, { day: string; accepted: number; refused: number }>();
  for (const h of usage.hours) {
    const day = h.hour.slice(0, 10);
    const entry = days.get(day) ?? { day, accepted: 0, refused: 0 };
    entry.accepted += h.accepted;
    entry.refused += h.refused;
    days.set(day, entry);
  }
  return [...days.values()];
}

/**
 * A key's requests per hour over the last 7 days: a bar per hour (accepted stacked on refused)
 * as an image with a text summary, and the same numbers per day as a table.
 */
export function UsageChart({ usage }: { usage: ApiKeyUsage }) {
  const busiest = Math.max(0, ...usage.hours.map((h) => h.accepted + h.refused));
  const max = Math.max(1, busiest);
  const scale = (n: number) => (n / max) * HEIGHT;
  return (
    <div className="usage">
      <p>
        Last 7 days: <strong>{usage.totals.accepted}</strong> accepted, <strong>{usage.totals.refused}</strong> refused (busiest hour: {busiest}).
      </p>
      <svg
        role="img"
        aria-label={`Requests per hour over the last 7 days: ${usage.totals.accepted} accepted, ${usage.totals.refused} refused`}
        viewBox={`0 0 ${usage.hours.length * BAR} ${HEIGHT}`}
        width={usage.hours.length * BAR}
        height={HEIGHT}
        className="usage-chart"
      >
        {usage.hours.map((h, i) => {
          const refused = scale(h.refused);
          const accepted = scale(h.accepted);
          return (
            <g key={h.hour}>
              <title>{`${h.hour.slice(0, 13).replace('T', ' ')}:00 UTC: ${h.accepted} accepted, ${h.refused} refused`}</title>
              <rect x={i * BAR} y={HEIGHT - refused} width={BAR - 1} height={refused} className="bar-refused" />
              <rect x={i * BAR} y={HEIGHT - refused - accepted} width={BAR - 1} height={accepted} className="bar-accepted" />
            </g>
          );
        })}
      </svg>
      <p className="legend">
        <span className="swatch swatch-accepted" aria-hidden="true" /> accepted <span className="swatch swatch-refused" aria-hidden="true" /> refused
      </p>
      <table aria-label="Usage by day">
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            <th scope="col">Accepted</th>
            <th scope="col">Refused</th>
          </tr>
        </thead>
        <tbody>
          {usageByDay(usage).map((d) => (
            <tr key={d.day}>
              <td>{d.day}</td>
              <td>{d.accepted}</td>
              <td>{d.refused}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

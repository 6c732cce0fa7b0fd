import type { MessageTotals } from '../api/models';

const WIDTH = 320;
const HEIGHT = 120;
const BASELINE = HEIGHT - 18;
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' });

/**
 * The week's outbound messages per day as inline SVG bars: sent, with the delivered part filled
 * darker. One image with a text alternative that gives every number.
 */
export function DayChart({ days }: { days: Array<MessageTotals & { date: string }> }) {
  const highest = Math.max(1, ...days.map((day) => day.sent + day.failed));
  const slot = WIDTH / days.length;
  const bar = slot * 0.6;
  const height = (value: number) => (value / highest) * (BASELINE - 8);
  const label = days
    .map(
      (day) =>
        `${weekday.format(new Date(day.date))}: ${day.sent} sent, ${day.delivered} delivered, ${day.failed} failed`,
    )
    .join('; ');
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Sent per day. ${label}`}>
      <line x1="0" x2={WIDTH} y1={BASELINE} y2={BASELINE} class="chart-axis" />
      {days.map((day, index) => {
        const x = index * slot + (slot - bar) / 2;
        return (
          <g key={day.date}>
            <rect
              class="chart-failed"
              x={x}
              width={bar}
              y={BASELINE - height(day.sent + day.failed)}
              height={height(day.sent + day.failed)}
              rx="2"
            />
            <rect
              class="chart-sent"
              x={x}
              width={bar}
              y={BASELINE - height(day.sent)}
              height={height(day.sent)}
              rx="2"
            />
            <rect
              class="chart-delivered"
              x={x}
              width={bar}
              y={BASELINE - height(day.delivered)}
              height={height(day.delivered)}
              rx="2"
            />
            <text class="chart-label" x={x + bar / 2} y={HEIGHT - 4} text-anchor="middle">
              {weekday.format(new Date(day.date))}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** A small line of the week's inbound messages per day. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const highest = Math.max(1, ...values);
  const step = WIDTH / Math.max(1, values.length - 1);
  const points = values.map(
    (value, index) => `${index * step},${BASELINE - (value / highest) * (BASELINE - 8)}`,
  );
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${label}: ${values.join(', ')}`}
    >
      <line x1="0" x2={WIDTH} y1={BASELINE} y2={BASELINE} class="chart-axis" />
      <polyline class="chart-line" points={points.join(' ')} />
    </svg>
  );
}

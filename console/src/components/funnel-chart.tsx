import type { CampaignStats } from '../api/models';

export interface FunnelStep {
  label: string;
  value: number;
  tone: 'neutral' | 'progress' | 'good' | 'bad' | 'skipped';
}

/**
 * The campaign funnel. Counters on the server are by current status (a delivered message is not
 * also counted as sent), so each step counts the recipients that got at least that far.
 */
export function funnelSteps(stats: CampaignStats): FunnelStep[] {
  const read = stats.read;
  const delivered = stats.delivered + read;
  const sent = stats.sent + delivered;
  return [
    { label: 'Audience', value: stats.total, tone: 'neutral' },
    { label: 'Queued', value: stats.queued, tone: 'progress' },
    { label: 'Held', value: stats.held, tone: 'progress' },
    { label: 'Sent', value: sent, tone: 'good' },
    { label: 'Delivered', value: delivered, tone: 'good' },
    { label: 'Read', value: read, tone: 'good' },
    { label: 'Failed', value: stats.failed, tone: 'bad' },
    {
      label: 'Skipped',
      value: stats.skippedOptedOut + stats.skippedInvalid + stats.skippedFrequencyCap,
      tone: 'skipped',
    },
  ];
}

// SVG units; the chart scales to its box, so these also set the text's size relative to the bars.
const ROW_HEIGHT = 28;
const LABEL_WIDTH = 86;
const VALUE_WIDTH = 54;
const BAR_WIDTH = 240;

/** A horizontal bar per step, in plain SVG; the same numbers are in the table beside it. */
export function FunnelChart({ stats, describedBy }: { stats: CampaignStats; describedBy?: string }) {
  const steps = funnelSteps(stats);
  const max = Math.max(1, ...steps.map((step) => step.value));
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const height = steps.length * ROW_HEIGHT;
  return (
    <svg
      class="funnel"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby="funnel-title"
      aria-describedby={describedBy}
      preserveAspectRatio="xMinYMin meet"
    >
      <title id="funnel-title">
        Delivery funnel: {steps.map((step) => `${step.label} ${step.value}`).join(', ')}
      </title>
      {steps.map((step, index) => {
        const y = index * ROW_HEIGHT;
        const barWidth = (step.value / max) * BAR_WIDTH;
        return (
          <g key={step.label} class={`funnel-step tone-${step.tone}`}>
            <text
              x={LABEL_WIDTH - 8}
              y={y + ROW_HEIGHT / 2}
              text-anchor="end"
              dominant-baseline="central"
              class="funnel-label"
            >
              {step.label}
            </text>
            <rect
              x={LABEL_WIDTH}
              y={y + 5}
              width={BAR_WIDTH}
              height={ROW_HEIGHT - 10}
              class="funnel-track"
              rx="3"
            />
            <rect
              x={LABEL_WIDTH}
              y={y + 5}
              width={barWidth}
              height={ROW_HEIGHT - 10}
              class="funnel-bar"
              rx="3"
            />
            <text
              x={LABEL_WIDTH + BAR_WIDTH + 8}
              y={y + ROW_HEIGHT / 2}
              dominant-baseline="central"
              class="funnel-value"
            >
              {step.value}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

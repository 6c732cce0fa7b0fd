import type { CampaignStats } from '../api/models';

interface FunnelStep {
  label: string;
  value: number;
  tone: 'neutral' | 'progress' | 'good' | 'bad' | 'skipped';
}

/**
 * The campaign funnel. Counters on the server are by current status (a delivered message is not
 * also counted as sent), so each step counts the recipients that got at least that far.
 */
function funnelSteps(stats: CampaignStats): FunnelStep[] {
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

/**
 * The funnel once: a table of steps whose rows carry their bar, so the numbers and the picture are
 * the same element (the bars are decoration for assistive technology; the counts are the content).
 */
export function FunnelTable({ stats }: { stats: CampaignStats }) {
  const steps = funnelSteps(stats);
  const max = Math.max(1, ...steps.map((step) => step.value));
  return (
    <table class="compact funnel-table">
      <caption class="visually-hidden">Funnel counts</caption>
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col" class="numeric">
            Recipients
          </th>
          <td aria-hidden="true" />
        </tr>
      </thead>
      <tbody>
        {steps.map((step) => (
          <tr key={step.label} class={`tone-${step.tone}`}>
            <th scope="row">{step.label}</th>
            <td class="numeric">{step.value}</td>
            <td aria-hidden="true" class="funnel-cell">
              <span class="funnel-bar" style={{ width: `${(step.value / max) * 100}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { percent } from '../format';

/** Sending progress as a bar with its number, exposed to assistive technology as a progressbar. */
export function ProgressBar({
  label,
  fraction,
  detail,
}: {
  label: string;
  fraction: number;
  detail?: string;
}) {
  const clamped = Math.min(1, Math.max(0, fraction));
  return (
    <div class="progress">
      <div class="progress-label">
        <span id="progress-label">{label}</span>
        <span class="progress-value">
          {percent(clamped)}
          {detail ? <span class="muted"> {detail}</span> : null}
        </span>
      </div>
      <div
        class="progress-track"
        role="progressbar"
        aria-labelledby="progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(clamped * 100)}
        aria-valuetext={`${percent(clamped)}${detail ? ` ${detail}` : ''}`}
      >
        <div class="progress-fill" style={{ width: `${clamped * 100}%` }} />
      </div>
    </div>
  );
}

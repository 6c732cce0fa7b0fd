import { Activity, CheckCheck, Inbox as InboxIcon, Send } from 'lucide-preact';
import type { ComponentChildren } from 'preact';

import { dashboardApi } from '../api/endpoints';
import type { Dashboard } from '../api/models';
import { DayChart, Sparkline } from '../components/day-chart';
import { ErrorAlert, Loading } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { CampaignStatusBadge } from '../components/status-badge';
import { percent } from '../format';
import { useInterval, useLoad } from '../hooks';
import { Link } from '../router';

const REFRESH_MS = 5_000;
const count = new Intl.NumberFormat();

/** The admin's first screen: today and this week at a glance, from GET /dashboard, kept live. */
export function Home() {
  const figures = useLoad(() => dashboardApi.get(), []);
  useInterval(figures.reload, REFRESH_MS, !figures.loading);
  const data = figures.data;
  return (
    <section>
      <PageHeading title="Home" />
      <ErrorAlert error={figures.error} context="Could not load the figures" />
      {data === undefined ? <Loading what="today's figures" /> : <Figures data={data} />}
    </section>
  );
}

function Figures({ data }: { data: Dashboard }) {
  const quietWeek = data.week.sent + data.week.failed + data.week.inbound === 0;
  return (
    <div class="dashboard">
      <ul class="tiles" aria-label="Today">
        <Tile
          icon={<Send aria-hidden="true" />}
          label="Sent today"
          value={data.today.sent}
          week={data.week.sent}
        />
        <Tile
          icon={<CheckCheck aria-hidden="true" />}
          label="Delivered today"
          value={data.today.delivered}
          week={data.week.delivered}
        />
        <Tile
          icon={<InboxIcon aria-hidden="true" />}
          label="Received today"
          value={data.today.inbound}
          week={data.week.inbound}
        />
      </ul>
      {quietWeek ? (
        <p class="empty">
          No messages this week yet. <Link to="/channels/new">Create a channel</Link>, then{' '}
          <Link to="/campaigns/new">send a campaign</Link> or reply in the <Link to="/inbox">inbox</Link>.
        </p>
      ) : null}
      <div class="panels">
        <Panel title="Sent this week">
          <DayChart days={data.days} />
          <p class="legend">
            <span class="swatch delivered" /> delivered <span class="swatch sent" /> sent{' '}
            <span class="swatch failed" /> failed
          </p>
        </Panel>
        <Panel title="Received this week">
          <Sparkline values={data.days.map((day) => day.inbound)} label="Received per day" />
        </Panel>
        <Panel title="Delivery rate by channel">
          {data.channels.length === 0 ? (
            <p class="empty">
              No channels yet. <Link to="/channels/new">Create one</Link>.
            </p>
          ) : (
            <ul class="rates">
              {data.channels.map((channel) => (
                <li key={channel.id}>
                  <Link to={`/channels/${channel.id}`}>{channel.name}</Link>
                  <Meter fraction={channel.deliveryRate} label={`${channel.name} delivery rate`} />
                  <span class="muted">
                    {count.format(channel.week.delivered)} of{' '}
                    {count.format(channel.week.sent + channel.week.failed)} delivered
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Campaigns in flight">
          {data.campaignsInFlight.length === 0 ? (
            <p class="empty">
              Nothing sending right now. <Link to="/campaigns/new">Start a campaign</Link>.
            </p>
          ) : (
            <ul class="rates">
              {data.campaignsInFlight.map((campaign) => (
                <li key={campaign.id}>
                  <Link to={`/campaigns/${campaign.id}`}>{campaign.name}</Link>
                  <Meter fraction={campaign.progress} label={`${campaign.name} progress`} />
                  <CampaignStatusBadge status={campaign.status} />
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
    </div>
  );
}

function Tile({
  icon,
  label,
  value,
  week,
}: {
  icon: ComponentChildren;
  label: string;
  value: number;
  week: number;
}) {
  return (
    <li class="tile">
      <span class="tile-icon">{icon}</span>
      <span class="tile-label">{label}</span>
      <strong class="tile-value">{count.format(value)}</strong>
      <span class="muted">{count.format(week)} this week</span>
    </li>
  );
}

function Panel({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="panel">
      <h2>
        <Activity aria-hidden="true" class="panel-icon" /> {title}
      </h2>
      {children}
    </section>
  );
}

/** A share as a bar with its number; "—" when there is nothing to measure yet. */
function Meter({ fraction, label }: { fraction: number | null; label: string }) {
  if (fraction === null) return <span class="meter-value muted">—</span>;
  const clamped = Math.min(1, Math.max(0, fraction));
  return (
    <span class="meter">
      <span
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(clamped * 100)}
      >
        <span class="progress-fill" style={{ width: `${clamped * 100}%` }} />
      </span>
      <span class="meter-value">{percent(clamped)}</span>
    </span>
  );
}

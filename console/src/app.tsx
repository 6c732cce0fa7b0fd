import {
  House,
  Inbox as InboxIcon,
  KeyRound,
  type LucideIcon,
  Megaphone,
  MessageSquareText,
  RadioTower,
  Users,
} from 'lucide-preact';
import type { ComponentChildren, JSX } from 'preact';
import { useEffect } from 'preact/hooks';

import type { Me } from './api/models';
import { session } from './api/session';
import { Loading } from './components/feedback';
import { Logo } from './components/logo';
import { Link, type Location, match, navigate, useLocation } from './router';
import { CampaignDetail } from './screens/campaign-detail';
import { CampaignNew } from './screens/campaign-new';
import { Campaigns } from './screens/campaigns';
import { CannedResponses } from './screens/canned-responses';
import { ChannelDetail } from './screens/channel-detail';
import { ChannelNew } from './screens/channel-new';
import { Channels } from './screens/channels';
import { Contacts } from './screens/contacts';
import { Home } from './screens/home';
import { Inbox } from './screens/inbox';
import { Integrations } from './screens/integrations';
import { AdminsOnly, NotFound } from './screens/not-found';
import { SignIn } from './screens/sign-in';
import { useSessionState } from './use-session';

const SIGN_IN = '/sign-in';
const INBOX = '/inbox';
/** Admins start on the home page's figures; agents on their inbox. */
const homeOf = (user: Me) => (user.role === 'admin' ? '/' : INBOX);

export function App() {
  const state = useSessionState();
  const location = useLocation();

  useEffect(() => {
    void session.restore();
  }, []);

  // Signed out anywhere: to the sign-in screen, remembering where to come back to.
  useEffect(() => {
    if (state.kind === 'signed-out' && location.path !== SIGN_IN) {
      const next =
        location.path === '/' ? '' : `?next=${encodeURIComponent(location.path + locationSearch(location))}`;
      navigate(`${SIGN_IN}${next}`, { replace: true });
    }
    if (state.kind === 'signed-in') {
      const home = homeOf(state.user);
      if (location.path === SIGN_IN || (location.path === '/' && home !== '/'))
        navigate(safeNext(location.query.get('next'), home), { replace: true });
    }
  }, [state.kind, location.path]);

  if (state.kind === 'restoring') {
    return (
      <main id="main" class="centered">
        <Loading what="your session" />
      </main>
    );
  }
  if (state.kind === 'signed-out') return <SignIn notice={state.notice} />;
  return (
    <Shell user={state.user} path={location.path}>
      <Screen user={state.user} location={location} />
    </Shell>
  );
}

function locationSearch(location: Location): string {
  const search = location.query.toString();
  return search ? `?${search}` : '';
}

/** Only paths inside the console: `next` comes from the URL and must not send anyone elsewhere. */
function safeNext(next: string | null, home: string): string {
  return next && next.startsWith('/') && !next.startsWith('//') && next !== SIGN_IN ? next : home;
}

interface NavItem {
  path: string;
  label: string;
  icon: LucideIcon;
  adminOnly: boolean;
}

const NAV: NavItem[] = [
  { path: '/', label: 'Home', icon: House, adminOnly: true },
  { path: '/inbox', label: 'Inbox', icon: InboxIcon, adminOnly: false },
  { path: '/contacts', label: 'Contacts', icon: Users, adminOnly: false },
  { path: '/campaigns', label: 'Campaigns', icon: Megaphone, adminOnly: true },
  { path: '/channels', label: 'Channels', icon: RadioTower, adminOnly: true },
  { path: '/canned-responses', label: 'Canned responses', icon: MessageSquareText, adminOnly: true },
  { path: '/integrations', label: 'Integrations', icon: KeyRound, adminOnly: true },
];

function Shell({ user, path, children }: { user: Me; path: string; children: ComponentChildren }) {
  const items = NAV.filter((item) => !item.adminOnly || user.role === 'admin');
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <Link to={homeOf(user)} class="brand">
          <Logo />
          Switchboard
        </Link>
        <nav aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.path}>
                <Link to={item.path} aria-current={isCurrent(item.path, path) ? 'page' : undefined}>
                  <item.icon class="nav-icon" aria-hidden="true" />
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="account">
          {/* The name once ("Administrator Admin" read as a stutter); e-mail and role on hover. */}
          <span class="who" title={`${user.email} (${user.role})`}>
            <span class="email">{user.name ?? user.email}</span>
          </span>
          <button type="button" class="secondary small-button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function isCurrent(itemPath: string, path: string): boolean {
  return path === itemPath || (itemPath !== '/' && path.startsWith(`${itemPath}/`));
}

function Screen({ user, location }: { user: Me; location: Location }) {
  const { path } = location;
  const isAdmin = user.role === 'admin';
  const admin = (screen: JSX.Element) => (isAdmin ? screen : <AdminsOnly />);
  let params: Record<string, string> | null;

  if (path === '/' && isAdmin) return <Home />;
  if (path === '/' || path === SIGN_IN) return <Loading what="the inbox" />;
  if ((params = match('/inbox', path) ?? match('/inbox/:id', path)))
    return <Inbox conversationId={params.id} location={location} user={user} />;
  if (match('/contacts', path)) return <Contacts location={location} />;
  if (match('/campaigns', path)) return admin(<Campaigns />);
  if (match('/campaigns/new', path)) return admin(<CampaignNew />);
  if ((params = match('/campaigns/:id', path))) return admin(<CampaignDetail id={params.id} />);
  if (match('/canned-responses', path)) return admin(<CannedResponses />);
  if (match('/channels', path)) return admin(<Channels />);
  if (match('/channels/new', path)) return admin(<ChannelNew />);
  if ((params = match('/channels/:id', path))) return admin(<ChannelDetail id={params.id} />);
  if (match('/integrations', path)) return admin(<Integrations />);
  return <NotFound />;
}

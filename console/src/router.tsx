import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * History routing under the console's base (/console/): each screen has a real URL that the
 * server answers with index.html, so a reload or a shared link lands on the same screen.
 */
const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

export interface Location {
  /** The path inside the console, e.g. `/inbox/…`; `/` for the console's root. */
  path: string;
  query: URLSearchParams;
}

function currentLocation(): Location {
  const { pathname, search } = window.location;
  const inside = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return { path: inside === '' ? '/' : inside.replace(/(.)\/$/, '$1'), query: new URLSearchParams(search) };
}

const listeners = new Set<() => void>();
let navigations = 0;

/** Whether the page has moved since it loaded (a screen reached by a link, not by loading the page). */
export function hasNavigated(): boolean {
  return navigations > 0;
}
window.addEventListener('popstate', () => {
  navigations += 1;
  listeners.forEach((listener) => listener());
});

/** The console URL for a path inside it. */
function href(path: string): string {
  return `${BASE}${path}`;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = href(path);
  if (url === window.location.pathname + window.location.search) return;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  navigations += 1;
  listeners.forEach((listener) => listener());
}

/** Replaces the query string, e.g. for filters, keeping the path and the history entry. */
export function setQuery(values: Record<string, string | undefined>): void {
  const { path, query } = currentLocation();
  for (const [key, value] of Object.entries(values)) {
    if (value) query.set(key, value);
    else query.delete(key);
  }
  const search = query.toString();
  navigate(`${path}${search ? `?${search}` : ''}`, { replace: true });
}

export function useLocation(): Location {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return location;
}

/** Matches `/campaigns/:id` against a path; the named segments, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const patternParts = pattern.split('/');
  const pathParts = path.split('/');
  if (patternParts.length !== pathParts.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(pathParts[index]);
    else if (part !== pathParts[index]) return null;
  }
  return params;
}

interface LinkProps {
  to: string;
  children: ComponentChildren;
  class?: string;
  'aria-current'?: 'page' | 'true';
  'aria-label'?: string;
}

/** An ordinary link (open in a new tab works) that navigates inside the page on a plain click. */
export function Link({ to, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a {...rest} href={href(to)} onClick={onClick}>
      {children}
    </a>
  );
}

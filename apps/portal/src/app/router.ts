/**
 * Hash routes (`#/status/27888601100404`), so the portal works from any mount path and from a
 * static file server without rewrites; and the leave guard a half-finished screen sets so that
 * in-app links ask before leaving it.
 */
import { useEffect, useState } from 'preact/hooks';

/** The portal's pages. */
export type Route =
  | { page: 'home' }
  | { page: 'obtain' }
  | { page: 'status'; number?: string }
  | { page: 'key-check' }
  | { page: 'cabinet' }
  | { page: 'operator' };

/** Parses `location.hash`. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  switch (parts[0]) {
    case 'obtain':
      return { page: 'obtain' };
    case 'status':
      return parts[1] ? { page: 'status', number: parts[1] } : { page: 'status' };
    case 'key-check':
      return { page: 'key-check' };
    case 'cabinet':
      return { page: 'cabinet' };
    case 'operator':
      return { page: 'operator' };
    default:
      return { page: 'home' };
  }
}

/** The hash of a page. */
export function hrefOf(page: Route['page']): string {
  return page === 'home' ? '#/' : `#/${page}`;
}

/** The current route, following `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    // The hash may have changed between the first render and this subscription.
    on();
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Says whether leaving the current screen now would interrupt something. */
export type LeaveGuard = () => boolean;

let guard: LeaveGuard | undefined;

/** Installs the guard of the screen on show; returns its removal. */
export function setLeaveGuard(g: LeaveGuard): () => void {
  guard = g;
  return () => {
    if (guard === g) guard = undefined;
  };
}

/** `true` when the screen on show asks to confirm leaving it. */
export function leaveGuarded(): boolean {
  return guard?.() ?? false;
}

/** Event the shell answers with its "leave this page?" dialog; `detail` is the target hash. */
export const LEAVE_REQUEST_EVENT = 'kzpki-leave-request';

/** Goes to `href` (a `#/...` hash), through the shell's confirmation when the screen is guarded. */
export function navigate(href: string): void {
  if (leaveGuarded()) dispatchEvent(new CustomEvent<string>(LEAVE_REQUEST_EVENT, { detail: href }));
  else location.hash = href;
}

/**
 * Hash routes (`#/status/27888601100404`), so the portal works from any mount path and from a
 * static file server without rewrites.
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
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
